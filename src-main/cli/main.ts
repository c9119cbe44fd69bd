// Entry of the built CLI (out/main/cli.js).
import { dawnWasLoaded, exitProcess } from '../backend/webgpu-node';
import { main } from './index';

void main(process.argv).then((code) => {
  // A process that loaded Dawn (WebGPU) ends through exitProcess (see webgpu-node.ts); others drain normally.
  if (dawnWasLoaded()) void exitProcess(code);
  else process.exitCode = code;
});

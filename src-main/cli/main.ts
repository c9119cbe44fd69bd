// Entry of the built CLI (out/main/cli.js).
import { main } from './index';

void main(process.argv).then((code) => {
  process.exitCode = code;
});

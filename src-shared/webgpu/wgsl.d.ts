// WGSL sources imported as text (vite's `?raw`: vitest, electron-vite main
// and renderer builds), and the WebGPU types the host module is written against.
/// <reference types="@webgpu/types" />

declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}

// GPU buffers pooled by (size, usage): a run takes what it needs and gives it
// back; free buffers beyond a byte budget are destroyed so big states do not
// linger on the device.

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private freeBytes = 0;
  created = 0;

  constructor(private readonly device: GPUDevice, private readonly maxFreeBytes = 256 * 2 ** 20) {}

  /** Sizes are rounded up to 256 bytes (so near sizes share buffers; offsets stay aligned). */
  static roundSize(size: number): number {
    return Math.max(256, Math.ceil(size / 256) * 256);
  }

  acquire(size: number, usage: GPUBufferUsageFlags, label = 'quench'): GPUBuffer {
    const rounded = BufferPool.roundSize(size);
    const key = `${rounded}:${usage}`;
    const list = this.free.get(key);
    const reused = list?.pop();
    if (reused) {
      this.freeBytes -= rounded;
      return reused;
    }
    this.created++;
    return this.device.createBuffer({ label, size: rounded, usage });
  }

  release(buffer: GPUBuffer): void {
    if (buffer.mapState !== 'unmapped') buffer.unmap();
    if (this.freeBytes + buffer.size > this.maxFreeBytes) {
      buffer.destroy();
      return;
    }
    const key = `${buffer.size}:${buffer.usage}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
    this.freeBytes += buffer.size;
  }

  /** Destroys every free buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.freeBytes = 0;
  }
}

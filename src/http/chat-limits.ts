/**
 * Messages per sender (a freelancer, or a project's client), over REST and WebSocket together,
 * on this instance: about `messagesPerSecond` sustained, bursts of `messageBurst`.
 */
import { TokenBucket } from '../domain/chat-rules';
import type { ChatActor } from '../domain/chat-rules';

export class SenderLimits {
  private readonly buckets = new Map<string, TokenBucket>();
  private taken = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One message from this sender: allowed, or how long to wait. */
  take(sender: ChatActor): { ok: true } | { ok: false; retryAfterMs: number } {
    const key = sender.type === 'freelancer' ? `f:${sender.userId}` : `c:${sender.projectId}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    if (++this.taken % 1000 === 0) this.forgetIdle(now);
    return bucket.take(now);
  }

  private forgetIdle(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.idle(now)) this.buckets.delete(key);
  }
}

// Whether user traffic is keeping this process busy, sampled per window from
// the event loop's utilisation and the number of exchanges started. Delivery
// to Runscope steps aside while it is: on a small machine the proxy, the
// client, the upstream and the collector share the cores, and the user's
// traffic comes first.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface LoadGaugeOptions {
  windowMs: number;
  /** Exchanges started in a window below which traffic counts as light. */
  minExchanges: number;
  /** Event-loop utilisation (0..1) below which the process has time to spare. */
  minUtilization: number;
}

export const DEFAULT_LOAD_GAUGE: LoadGaugeOptions = { windowMs: 100, minExchanges: 10, minUtilization: 0.5 };

export class LoadGauge {
  private started = 0;
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private timer: NodeJS.Timeout | null = null;
  busy = false;

  constructor(
    private readonly onChange: (busy: boolean) => void,
    private readonly opts: LoadGaugeOptions = DEFAULT_LOAD_GAUGE,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.opts.windowMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  exchangeStarted(): void {
    this.started++;
  }

  /** Closes the current window; public so tests can drive it without timers. */
  sample(): void {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const wasBusy = this.busy;
    this.busy = this.started >= this.opts.minExchanges && utilization >= this.opts.minUtilization;
    this.started = 0;
    if (wasBusy !== this.busy) this.onChange(this.busy);
  }
}

/**
 * What a page's main thread did, told apart from what the rest of the machine did: the share of
 * the machine other processes keep busy, and each task of the page with its own CPU time beside
 * its wall time (Chromium's trace records both). A task's CPU time does not grow when other
 * processes take the cores, and it is a floor of its wall time: a task with over 100 ms of CPU
 * blocked the page for over 100 ms on any machine of this speed, however loaded.
 */
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';

/** Share of all cores busy (0–1) over `ms`, from the kernel's per-core counters. */
export async function machineBusy(ms: number): Promise<number> {
  const before = os.cpus();
  await new Promise((resolve) => setTimeout(resolve, ms));
  let busy = 0;
  let total = 0;
  for (const [i, cpu] of os.cpus().entries()) {
    const then = before[i]?.times;
    if (!then) continue;
    const idle = cpu.times.idle - then.idle;
    const all = cpu.times.user - then.user + cpu.times.nice - then.nice + cpu.times.sys - then.sys + cpu.times.irq - then.irq + idle;
    busy += all - idle;
    total += all;
  }
  return total > 0 ? busy / total : 0;
}

export interface TaskTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** RunTask carries each task's thread time (tdur); user timing carries the test's marks. */
const categories = ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'blink.user_timing'];

export async function startTaskTrace(browser: Browser, page: Page): Promise<void> {
  await browser.startTracing(page, { categories });
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly data?: { readonly type?: string } };
}

function asTime(e: TraceEvent): TaskTime {
  // Without thread times every task would read 0 ms of CPU and a check on them could not fail.
  if (e.dur === undefined || e.tdur === undefined) throw new Error(`trace event ${e.name} without wall and thread times`);
  return { wallMs: e.dur / 1000, cpuMs: e.tdur / 1000 };
}

/**
 * Stops the trace and returns the tasks the page's main thread ran from the mark `from` to the
 * mark `to`. `from` is set inside an event listener: of the task that holds it, only the event
 * named `event` counts (the rest of that task is the browser's, e.g. handing over picked files).
 */
export async function tasksBetween(browser: Browser, from: string, to: string, event: string): Promise<TaskTime[]> {
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const mark = (name: string) => traceEvents.find((e) => e.name === name && e.ph !== 'X');
  const start = mark(from);
  const end = mark(to);
  if (!start || !end) throw new Error(`trace without the marks ${from} and ${to}`);
  const onMain = traceEvents.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X');
  const holds = (e: TraceEvent) => e.ts <= start.ts && start.ts <= e.ts + (e.dur ?? 0);
  const first = onMain.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === event && holds(e));
  const pickTask = onMain.find((e) => e.name === 'RunTask' && holds(e));
  if (!first || !pickTask) throw new Error(`no ${event} dispatch around the mark ${from}`);
  const after = onMain.filter((e) => e.name === 'RunTask' && e.ts > pickTask.ts && e.ts < end.ts);
  return [asTime(first), ...after.map(asTime)];
}

import { Agent, request } from 'node:http';
import { SeededRandom } from '../../test/helpers/seeded-random';
import { summarise, type LatencySummary } from './latency';
import { buildSenders, type MixEntry, type Outgoing } from './request-kinds';
import { buildSchedule, weightedPicker, type Arrivals } from './schedule';

/**
 * The load generator. Open: each request leaves at its scheduled instant whatever the answers
 * before it do, on its own connection if none is free (no limit on requests in flight), and its
 * latency counts from that intended instant, so time spent queued (in the generator, the kernel
 * or a server) is in the figure: no coordinated omission. Closed (to measure capacity): a fixed
 * number of requests always in flight, each sent when one answers, timed from its real send.
 */
export type LoadMode =
  | { kind: 'open'; arrivals: Arrivals; ratePerSecond: number; seconds: number }
  | { kind: 'closed'; connections: number; seconds: number };

export interface LoadPlan {
  url: string;
  mode: LoadMode;
  seed: number;
  mix: MixEntry[];
  /** A request unanswered this long counts as an error (default 10 s). */
  timeoutMs?: number;
}

export interface KindFigures {
  name: string;
  /** Requests sent, answered 2xx and checked right, in error (non-2xx, a GraphQL error code, socket, timeout), wrong (2xx, failed check). */
  sent: number;
  ok: number;
  errors: number;
  wrong: number;
  /** Scheduled but not sent: nothing to send (no unfiled entry left to file). */
  notSent: number;
  latency: LatencySummary;
}

export interface LoadFigures {
  mode: LoadMode;
  /** Requests meant to be sent (open) and sent; the run's measured length (first intended send to last answer). */
  intended: number;
  sent: number;
  intendedRatePerSecond: number;
  /**
   * Requests sent per second of the window (the schedule's, or the closed loop's), and answers
   * per second: those that came within the window, over it (a closed loop's capacity), and all
   * of them over the whole run (the window and the wait for the last answers).
   */
  achievedRatePerSecond: number;
  answeredInWindowPerSecond: number;
  answeredRatePerSecond: number;
  elapsedSeconds: number;
  /** How late the generator sent its requests against their intended instants (its own lag). */
  sendLag: LatencySummary;
  /** Most requests in flight at once. */
  peakInFlight: number;
  errors: number;
  wrong: number;
  /** The first few errors and wrong answers, cut short, to say what went wrong (no tokens in them). */
  problems: string[];
  /** Errors and wrong answers by cause: the status and the first GraphQL code, a timeout, a socket error. */
  causes: Record<string, number>;
  overall: LatencySummary;
  kinds: KindFigures[];
  /** CPU time this process spent generating (user + system), in ms. */
  generatorCpuMs: number;
  /** Test results added and not yet filed: the next run's to file. */
  unfiledLeft: string[];
}

interface Outcome {
  latencyMs: number;
  /** When the answer came, in ms from the run's start. */
  answeredAt: number;
  error?: string;
  wrong?: string;
}

/** The first GraphQL error code of an answer, if it has one. */
function firstCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** One POST; resolves with its status and text, or an error (a socket error or timeout). */
function post(agent: Agent, url: URL, outgoing: Outgoing, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...outgoing.headers, 'content-length': Buffer.byteLength(outgoing.body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(outgoing.body);
  });
}

export async function runLoadPlan(plan: LoadPlan): Promise<LoadFigures> {
  const cpuBefore = process.cpuUsage();
  const url = new URL(plan.url);
  const timeoutMs = plan.timeoutMs ?? 10_000;
  // No socket limit: a request that finds every connection busy opens another, as users would.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const { senders, unfiled } = buildSenders(plan.mix);
  const outcomes: Outcome[][] = plan.mix.map(() => []);
  const notSent = plan.mix.map(() => 0);
  const lags: number[] = [];
  const problems: string[] = [];
  const causes: Record<string, number> = {};
  const count = (cause: string) => (causes[cause] = (causes[cause] ?? 0) + 1);
  let inFlight = 0;
  let peakInFlight = 0;
  let intended = 0;

  let started = performance.now();
  const send = async (kind: number, startedAt: number): Promise<void> => {
    const outgoing = senders[kind]!();
    if (!outgoing) {
      notSent[kind]! += 1;
      return;
    }
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const outcome: Outcome = { latencyMs: 0, answeredAt: 0 };
    try {
      const { status, text } = await post(agent, url, outgoing, timeoutMs);
      // An answer with a GraphQL error code is the system declining (SERVICE_UNAVAILABLE, say),
      // an error, whatever its status; a wrong answer is data that fails its check.
      const code = firstCode(text);
      if (status < 200 || status >= 300 || code !== undefined) {
        outcome.error = `HTTP ${status}: ${text.slice(0, 200)}`;
        count(`error: HTTP ${status} ${code ?? ''}`.trim());
      } else {
        let right = false;
        try {
          right = outgoing.verify(JSON.parse(text));
        } catch {
          right = false;
        }
        if (!right) {
          outcome.wrong = text.slice(0, 300);
          count(`wrong: ${firstCode(text) ?? 'failed its check'}`);
        }
      }
    } catch (error) {
      outcome.error = error instanceof Error ? error.message : String(error);
      count(outcome.error.startsWith('timeout') ? 'error: timeout' : 'error: socket');
    }
    const answered = performance.now();
    outcome.latencyMs = answered - startedAt;
    outcome.answeredAt = answered - started;
    inFlight -= 1;
    const problem = outcome.error ?? outcome.wrong;
    // Cut short, NHS numbers masked: a results file names no patient, even a made-up one.
    if (problem !== undefined && problems.length < 5)
      problems.push(
        `${plan.mix[kind]!.name}: ${outcome.error ? 'error' : 'wrong'}: ${problem.replace(/\d{10}/g, '<nhs number>')}`,
      );
    outcomes[kind]!.push(outcome);
  };

  let windowMs: number;
  if (plan.mode.kind === 'open') {
    const schedule = buildSchedule({ ...plan.mode, weights: plan.mix.map((m) => m.weight), seed: plan.seed });
    // The clock starts once the schedule is drawn: instant 0 is now.
    started = performance.now();
    intended = schedule.at.length;
    windowMs = plan.mode.seconds * 1000;
    const pending: Promise<void>[] = [];
    await new Promise<void>((done) => {
      let next = 0;
      const pump = () => {
        const now = performance.now() - started;
        // Every request now due leaves at once, however many are still unanswered.
        while (next < schedule.at.length && schedule.at[next]! <= now) {
          const due = schedule.at[next]!;
          lags.push(now - due);
          pending.push(send(schedule.kind[next]!, started + due));
          next += 1;
        }
        if (next < schedule.at.length) setTimeout(pump, Math.max(0, schedule.at[next]! - (performance.now() - started)));
        else done();
      };
      pump();
    });
    await Promise.all(pending);
  } else {
    const { connections, seconds } = plan.mode;
    windowMs = seconds * 1000;
    started = performance.now();
    const pick = weightedPicker(
      plan.mix.map((m) => m.weight),
      new SeededRandom(plan.seed + 1),
    );
    const deadline = started + windowMs;
    const worker = async () => {
      while (performance.now() < deadline) {
        intended += 1;
        await send(pick(), performance.now());
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
  }
  const elapsedMs = performance.now() - started;
  agent.destroy();

  const all = outcomes.flat();
  const kinds: KindFigures[] = plan.mix.map((entry, i) => {
    const mine = outcomes[i]!;
    const errors = mine.filter((o) => o.error !== undefined).length;
    const wrong = mine.filter((o) => o.wrong !== undefined).length;
    return {
      name: entry.name,
      sent: mine.length,
      ok: mine.length - errors - wrong,
      errors,
      wrong,
      notSent: notSent[i]!,
      latency: summarise(mine.map((o) => o.latencyMs)),
    };
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    mode: plan.mode,
    intended,
    sent: all.length,
    intendedRatePerSecond: plan.mode.kind === 'open' ? plan.mode.ratePerSecond : intended / (windowMs / 1000),
    achievedRatePerSecond: all.length / (windowMs / 1000),
    answeredInWindowPerSecond: all.filter((o) => o.answeredAt <= windowMs).length / (windowMs / 1000),
    answeredRatePerSecond: all.length / (elapsedMs / 1000),
    elapsedSeconds: elapsedMs / 1000,
    sendLag: summarise(lags),
    peakInFlight,
    errors: kinds.reduce((sum, k) => sum + k.errors, 0),
    wrong: kinds.reduce((sum, k) => sum + k.wrong, 0),
    problems,
    causes,
    overall: summarise(all.map((o) => o.latencyMs)),
    kinds,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
    unfiledLeft: unfiled,
  };
}

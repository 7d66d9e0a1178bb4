// One simulated miner: how its power, hashrate and reported state evolve after curtail and
// restore commands, including the firmware quirks real fleets have. State is computed from the
// clock on demand, so the simulator needs no per-miner timers.

import type { MinerStatus, TelemetrySample } from '../../../lib/domain/fleet';
import type { MinerCommand } from '../../../lib/ports/publisher';
import { mulberry32, type Random, seedFrom, uniform } from '../fleet/prng';
import type { Behaviour, SampleMiner } from '../fleet/sample-fleet';

export interface MinerSnapshot {
  powerW: number;
  hashrateThs: number;
  status: MinerStatus;
  curtailed: boolean;
  behaviour: Behaviour;
}

export interface ReceivedCommand {
  receivedAt: number;
  minerId: string;
  commandId: string;
  eventId: string;
  action: MinerCommand['action'];
  duplicate: boolean;
  expired: boolean;
}

interface Ramp {
  direction: 'up' | 'down';
  startedAt: number;
  durationMs: number;
  fromPowerW: number;
  fromHashrateThs: number;
}

const NOISE = 0.02;

export class SimulatedMiner {
  readonly minerId: string;
  readonly siteId: string;
  behaviour: Behaviour;
  private readonly random: Random;
  private readonly idlePowerW: number;
  private readonly curtailRampMs: number;
  private readonly restoreRampMs: number;
  private readonly seen = new Set<string>();
  /** Firmware-reported status while hashing: 'updating' and 'reboot_required' stick until used. */
  private runningStatus: MinerStatus;
  private ramp: Ramp | undefined;
  private offline: boolean;
  private fakeCurtailed = false;

  constructor(
    private readonly sample: SampleMiner,
    speed: number,
    now: number,
  ) {
    const { inventory, profile } = sample;
    this.minerId = inventory.minerId;
    this.siteId = inventory.siteId;
    this.behaviour = profile.behaviour;
    // Seeded by id so a miner's ramp times and idle draw are the same in every run.
    this.random = mulberry32(seedFrom(this.minerId));
    const asleep = profile.behaviour === 'asleep' || inventory.status === 'sleeping';
    this.idlePowerW = asleep ? uniform(this.random, 12, 18) : uniform(this.random, 10, 38);
    this.curtailRampMs = (uniform(this.random, 5, 30) * 1_000) / speed;
    this.restoreRampMs = (uniform(this.random, 60, 300) * 1_000) / speed;
    const sticky = inventory.status === 'updating' || inventory.status === 'reboot_required';
    this.runningStatus = sticky ? inventory.status : 'online';
    this.offline = profile.behaviour === 'offline';
    if (asleep) this.sleepNow(now);
  }

  /** Whether this unit puts samples on the site's telemetry topic at all. */
  get publishes(): boolean {
    return !this.offline && this.behaviour !== 'silent';
  }

  receive(command: MinerCommand, now: number): ReceivedCommand {
    const duplicate = this.seen.has(command.commandId);
    const expired = !duplicate && !(Date.parse(command.expiresAt) > now);
    this.seen.add(command.commandId);
    if (!duplicate && !expired) this.apply(command.action, now);
    const { commandId, eventId, action } = command;
    return {
      receivedAt: now,
      minerId: this.minerId,
      commandId,
      eventId,
      action,
      duplicate,
      expired,
    };
  }

  setBehaviour(behaviour: Behaviour, now: number): void {
    if (behaviour !== 'drop_offline') this.offline = behaviour === 'offline';
    if (behaviour !== 'fake_curtail') this.fakeCurtailed = false;
    if (behaviour === 'asleep') this.sleepNow(now);
    this.behaviour = behaviour;
  }

  snapshot(now: number): MinerSnapshot {
    const { powerW, hashrateThs } = this.sample.profile;
    if (this.offline) return this.state(0, 0, 'offline', false);
    if (this.behaviour === 'phantom') return this.state(powerW, 0, 'online', false);
    const ramp = this.ramp;
    if (!ramp) {
      const status = this.fakeCurtailed ? 'sleeping' : this.runningStatus;
      return this.state(powerW, hashrateThs, status, this.fakeCurtailed);
    }
    const elapsed = now - ramp.startedAt;
    const progress = ramp.durationMs > 0 ? Math.min(1, Math.max(0, elapsed / ramp.durationMs)) : 1;
    if (ramp.direction === 'down') {
      const draw = ramp.fromPowerW + (this.idlePowerW - ramp.fromPowerW) * progress;
      return this.state(draw, 0, 'sleeping', progress >= 1);
    }
    if (progress >= 1) {
      this.ramp = undefined;
      return this.snapshot(now);
    }
    const draw = ramp.fromPowerW + (powerW - ramp.fromPowerW) * progress;
    const hashrate = ramp.fromHashrateThs + (hashrateThs - ramp.fromHashrateThs) * progress;
    return this.state(draw, hashrate, 'online', false);
  }

  telemetry(now: number): TelemetrySample & { minerId: string } {
    const state = this.snapshot(now);
    return {
      minerId: this.minerId,
      at: new Date(now).toISOString(),
      powerW: Math.round(state.powerW * 10) / 10,
      hashrateThs: Math.round(state.hashrateThs * 100) / 100,
      status: state.status,
      curtailed: state.curtailed,
    };
  }

  private apply(action: MinerCommand['action'], now: number): void {
    if (this.offline || this.behaviour === 'phantom') return;
    if (this.behaviour === 'drop_offline' && action === 'curtail') {
      this.offline = true;
      return;
    }
    if (this.behaviour === 'ignore_sleep' && action === 'curtail') return;
    if (this.behaviour === 'fake_curtail') {
      this.fakeCurtailed = action === 'curtail';
      return;
    }
    const state = this.snapshot(now);
    const goingDown = this.ramp?.direction === 'down';
    if (action === 'curtail' && !goingDown) this.startRamp('down', now, state);
    if (action === 'restore' && goingDown) {
      this.runningStatus = 'online';
      this.startRamp('up', now, state);
    }
  }

  private startRamp(direction: Ramp['direction'], now: number, from: MinerSnapshot): void {
    const durationMs = direction === 'down' ? this.curtailRampMs : this.restoreRampMs;
    this.ramp = {
      direction,
      startedAt: now,
      durationMs,
      fromPowerW: from.powerW,
      fromHashrateThs: from.hashrateThs,
    };
  }

  private sleepNow(now: number): void {
    this.ramp = {
      direction: 'down',
      startedAt: now,
      durationMs: 0,
      fromPowerW: this.idlePowerW,
      fromHashrateThs: 0,
    };
  }

  private state(
    powerW: number,
    hashrateThs: number,
    status: MinerStatus,
    curtailed: boolean,
  ): MinerSnapshot {
    return {
      powerW: this.noisy(powerW),
      hashrateThs: this.noisy(hashrateThs),
      status,
      curtailed,
      behaviour: this.behaviour,
    };
  }

  private noisy(value: number): number {
    return value * (1 + uniform(this.random, -NOISE, NOISE));
  }
}

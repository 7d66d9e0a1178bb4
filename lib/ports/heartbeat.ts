// The sweep's heartbeat: when it last ran, how long it took and how many events were live.

export interface Heartbeat {
  tickAt: string;
  durationMs: number;
  liveEvents: number;
  failedEvents: number;
  queryFailed: boolean;
}

export interface HeartbeatStore {
  record(heartbeat: Heartbeat): Promise<void>;
  read(): Promise<Heartbeat | undefined>;
}

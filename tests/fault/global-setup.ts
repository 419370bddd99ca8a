import { startFaultBroker, stopFaultBroker } from "./broker";

/** One broker for all fault test files (they run one at a time). */
export async function setup(): Promise<void> {
  await startFaultBroker();
}

export async function teardown(): Promise<void> {
  await stopFaultBroker();
}

import { execFile } from "node:child_process";
import { mkdirSync, existsSync, symlinkSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The fault tests' own Kafka broker: test 1 stops it, so it must not be the
 * broker the other integration tests share. Same script, own home and ports;
 * the jars are shared with the default broker's.
 */
export const FAULT_BROKER = {
  home: path.join(ROOT, ".local/kafka-fault"),
  port: Number(process.env.FAULT_KAFKA_PORT ?? 19192),
  controllerPort: Number(process.env.FAULT_KAFKA_CONTROLLER_PORT ?? 19193),
  get address(): string {
    return `127.0.0.1:${this.port}`;
  },
};

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_HOME: FAULT_BROKER.home,
    KAFKA_PORT: String(FAULT_BROKER.port),
    KAFKA_CONTROLLER_PORT: String(FAULT_BROKER.controllerPort),
  };
}

async function kafkaSh(command: "start" | "stop" | "status"): Promise<void> {
  await run("bash", [path.join(ROOT, "scripts/kafka/kafka.sh"), command], { env: env(), cwd: ROOT, timeout: 180_000 });
}

export async function startFaultBroker(): Promise<void> {
  mkdirSync(FAULT_BROKER.home, { recursive: true });
  const lib = path.join(FAULT_BROKER.home, "lib");
  if (!existsSync(lib)) symlinkSync(path.join(ROOT, ".local/kafka/lib"), lib);
  await kafkaSh("start");
}

/** Stops the broker the way an operator would (SIGTERM, SIGKILL after the script's timeout). */
export async function stopFaultBroker(): Promise<void> {
  await kafkaSh("stop");
}

import type { WorkerServices } from "../lib/composition/worker-services";

/** The email use cases (one per event kind); each handler takes the one it runs. */
export type Notifications = WorkerServices["notifications"];

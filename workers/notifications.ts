import type { Services } from "../lib/composition/root";

export type Notifications = Services["notifications"];

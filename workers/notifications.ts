import type { Services } from "../lib/composition/root";

export type Notifications = ReturnType<Services["notifications"]>;

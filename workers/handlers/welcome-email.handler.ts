import type { EventHandler } from "../../lib/application/shared";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** user.registered → welcome email. */
export function welcomeEmailHandler(notifications: Pick<Notifications, "sendWelcome">): EventHandler<"user.registered"> {
  return {
    topic: "user.registered",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendWelcome(event, signal),
  };
}

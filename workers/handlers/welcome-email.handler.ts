import type { EventHandler } from "../../lib/application/shared";
import type { Notifications } from "../notifications";

/** user.registered → welcome email. */
export function welcomeEmailHandler(notifications: Notifications): EventHandler<"user.registered"> {
  return {
    topic: "user.registered",
    group: "storefront.notifications.user-registered",
    handle: (event, signal) => notifications.sendWelcome(event, signal),
  };
}

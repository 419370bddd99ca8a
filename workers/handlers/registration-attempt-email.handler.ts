import type { EventHandler } from "../../lib/application/shared";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** user.registration_attempted → an email to the account's owner (someone registered with their address). */
export function registrationAttemptEmailHandler(notifications: Pick<Notifications, "sendRegistrationAttempt">): EventHandler<"user.registration_attempted"> {
  return {
    topic: "user.registration_attempted",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendRegistrationAttempt(event, signal),
  };
}

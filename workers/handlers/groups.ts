/**
 * One consumer group per concern. A group's handlers each take one topic; the
 * group's consumer subscribes to all of them, so every member of a group has
 * the same subscription (what Kafka's assignors expect) and the concern scales
 * by adding worker instances, up to the topics' partition count.
 *
 * Order status has no group of its own: every status change the worker makes
 * (reserved, or cancelled for want of stock) commits in the same transaction
 * as the stock change that causes it, in the inventory group. Splitting it
 * into a second group would turn one atomic change into two eventual ones.
 */
export const INVENTORY_GROUP = "storefront.inventory";
export const NOTIFICATIONS_GROUP = "storefront.notifications";

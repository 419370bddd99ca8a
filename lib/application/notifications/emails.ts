import { addressLines } from "../../domain/address";
import type { DomainEvent } from "../../domain/events";
import { offerName } from "../../domain/catalog";
import { formatMoney, money } from "../../domain/money";
import type { IdGenerator, ProcessedEvents, UnitOfWork } from "../shared";

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID ("<id@host>"); when set, every attempt sends the same one. */
  messageId?: string;
}

export interface Mailer {
  send(message: EmailMessage, signal?: AbortSignal): Promise<void>;
}

export const NOTIFICATIONS_CONSUMER = "notifications";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function orderConfirmationEmail(event: DomainEvent<"order.created">, shopUrl: string): EmailMessage {
  const p = event.payload;
  const amount = (minor: number) => formatMoney(money(minor, p.currency));
  const lines = p.lines.map((l) => `${l.quantity} × ${offerName(l)} — ${amount(l.unitPriceMinor * l.quantity)}`);
  const totals = [
    `Subtotal: ${amount(p.subtotalMinor)}`,
    `Shipping: ${p.shippingMinor === 0 ? "Free" : amount(p.shippingMinor)}`,
    `Total: ${amount(p.totalMinor)}`,
  ];
  const shipTo = p.shipTo ? addressLines(p.shipTo) : null;
  const link = `${shopUrl}/orders/${p.orderId}`;
  return {
    to: p.email,
    subject: `Order confirmation ${p.orderId.slice(0, 8)}`,
    text:
      `Thank you for your order.\n\n${lines.join("\n")}\n\n${totals.join("\n")}\n\n` +
      (shipTo ? `Shipping to:\n${shipTo.join("\n")}\n\n` : "") +
      `Follow it at ${link}\n`,
    html:
      `<p>Thank you for your order.</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>` +
      `<p>${totals.slice(0, 2).map(escapeHtml).join("<br>")}<br><strong>${escapeHtml(totals[2]!)}</strong></p>` +
      (shipTo ? `<p>Shipping to:<br>${shipTo.map(escapeHtml).join("<br>")}</p>` : "") +
      `<p><a href="${escapeHtml(link)}">Follow your order</a></p>`,
  };
}

export function receiptEmail(event: DomainEvent<"order.paid">, shopUrl: string): EmailMessage {
  const p = event.payload;
  const amount = formatMoney(money(p.amountMinor, p.currency));
  const link = `${shopUrl}/orders/${p.orderId}`;
  return {
    to: p.email,
    subject: `Receipt for order ${p.orderId.slice(0, 8)}`,
    text: `We received your payment of ${amount}. We will let you know when your order ships.\n\n${link}\n`,
    html: `<p>We received your payment of <strong>${escapeHtml(amount)}</strong>.</p><p><a href="${escapeHtml(link)}">Your order</a></p>`,
  };
}

export function refundEmail(event: DomainEvent<"order.refunded">, shopUrl: string): EmailMessage {
  const p = event.payload;
  const amount = formatMoney(money(p.amountMinor, p.currency));
  const full = p.refundedMinor === p.chargedMinor;
  const link = `${shopUrl}/orders/${p.orderId}`;
  const summary = full
    ? "Your payment has been refunded in full."
    : `In all ${formatMoney(money(p.refundedMinor, p.currency))} of ${formatMoney(money(p.chargedMinor, p.currency))} has been refunded.`;
  return {
    to: p.email,
    subject: `Refund of ${amount} for order ${p.orderId.slice(0, 8)}`,
    text: `We refunded ${amount} to your card. ${summary} It may take a few days to show on your statement.\n\n${link}\n`,
    html:
      `<p>We refunded <strong>${escapeHtml(amount)}</strong> to your card. ${escapeHtml(summary)} It may take a few days to show on your statement.</p>` +
      `<p><a href="${escapeHtml(link)}">Your order</a></p>`,
  };
}

export function shippedEmail(event: DomainEvent<"order.shipped">, shopUrl: string): EmailMessage {
  const p = event.payload;
  const link = `${shopUrl}/orders/${p.orderId}`;
  return {
    to: p.email,
    subject: `Your order ${p.orderId.slice(0, 8)} has shipped`,
    text: `Your order is on its way.\n\nTracking reference: ${p.trackingReference}\n\nFollow it at ${link}\n`,
    html:
      `<p>Your order is on its way.</p><p>Tracking reference: <strong>${escapeHtml(p.trackingReference)}</strong></p>` +
      `<p><a href="${escapeHtml(link)}">Your order</a></p>`,
  };
}

/**
 * Anything in a name that a mail client could turn into a link or markup: a
 * scheme, www., an address, a host name (word.tld), angle brackets, control
 * characters. Registration refuses most of these already; a stored name from
 * before that, or one that slips past it, is left out of the email rather than
 * shown: the welcome email goes to whatever address the registrant typed, so
 * its name must not become someone else's spam.
 */
const LINK_OR_MARKUP = /[<>@\u0000-\u001f\u007f-\u009f\u2028\u2029]|:\/\/|www\.|[\p{L}\p{N}-]\.[\p{L}]{2,}/iu;

/** The name to greet with, or null when it is not plainly a name. */
export function greetingName(name: string): string | null {
  const trimmed = name.trim();
  return trimmed.length > 0 && trimmed.length <= 100 && !LINK_OR_MARKUP.test(trimmed) ? trimmed : null;
}

export function welcomeEmail(event: DomainEvent<"user.registered">, shopUrl: string): EmailMessage {
  const { name, email } = event.payload;
  const greeting = greetingName(name);
  return {
    to: email,
    subject: "Welcome to the shop",
    text: `Hello${greeting ? ` ${greeting}` : ""},\n\nyour account is ready. Start shopping at ${shopUrl}\n`,
    html: `<p>Hello${greeting ? ` ${escapeHtml(greeting)}` : ""},</p><p>your account is ready. <a href="${escapeHtml(shopUrl)}">Start shopping</a>.</p>`,
  };
}

/** To an account's owner when someone registers with its email: nothing the registrant typed is in it. */
export function registrationAttemptEmail(event: DomainEvent<"user.registration_attempted">, shopUrl: string): EmailMessage {
  const signIn = `${shopUrl}/signin`;
  return {
    to: event.payload.email,
    subject: "Someone tried to create an account with your email",
    text:
      "Someone tried to create a new account at the shop with this email address, which already has an account.\n\n" +
      `If it was you: sign in at ${signIn} with the password you chose before.\n` +
      "If it was not you: nothing has changed and you need not do anything. Your account and password are as they were.\n",
    html:
      "<p>Someone tried to create a new account at the shop with this email address, which already has an account.</p>" +
      `<p>If it was you: <a href="${escapeHtml(signIn)}">sign in</a> with the password you chose before.</p>` +
      "<p>If it was not you: nothing has changed and you need not do anything. Your account and password are as they were.</p>",
  };
}

export const EMAIL_KINDS = ["order_confirmation", "receipt", "refund", "shipped", "welcome", "registration_attempt"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** A rendered email waiting in the outgoing queue. */
export interface NewOutgoingEmail {
  id: string;
  /** The event that asked for it: one email per (event, kind). */
  eventId: string;
  kind: EmailKind;
  message: EmailMessage & { messageId: string };
}

/** Queues an email inside the caller's transaction; the dispatcher sends it after commit. */
export interface OutgoingEmails {
  enqueue(email: NewOutgoingEmail, signal?: AbortSignal): Promise<void>;
}

export interface NotificationsRepos {
  processed: Pick<ProcessedEvents, "markProcessed">;
  outgoingEmails: OutgoingEmails;
}

export type EnqueueOutcome = "queued" | "duplicate";

/**
 * Turns each event into one queued email. The processed mark and the queued
 * row commit together, so a redelivered event queues nothing and a crash
 * before commit loses nothing; SMTP is spoken later, by the dispatcher, so a
 * slow mail server never holds the consumer.
 */
export function makeNotifications(deps: { uow: UnitOfWork<NotificationsRepos>; ids: IdGenerator; shopUrl: string }) {
  // hostname, not host: a port's colon is not allowed on the right of a Message-ID.
  const messageIdHost = new URL(deps.shopUrl).hostname;
  const enqueueOnce = (eventId: string, kind: EmailKind, render: () => EmailMessage, signal?: AbortSignal): Promise<EnqueueOutcome> =>
    deps.uow.run(async ({ processed, outgoingEmails }) => {
      if (!(await processed.markProcessed(NOTIFICATIONS_CONSUMER, eventId, signal))) return "duplicate";
      const id = deps.ids.uuid();
      await outgoingEmails.enqueue({ id, eventId, kind, message: { ...render(), messageId: `<${id}@${messageIdHost}>` } }, signal);
      return "queued";
    }, signal);
  return {
    sendOrderConfirmation: (event: DomainEvent<"order.created">, signal?: AbortSignal) =>
      enqueueOnce(event.id, "order_confirmation", () => orderConfirmationEmail(event, deps.shopUrl), signal),
    sendReceipt: (event: DomainEvent<"order.paid">, signal?: AbortSignal) =>
      enqueueOnce(event.id, "receipt", () => receiptEmail(event, deps.shopUrl), signal),
    sendRefund: (event: DomainEvent<"order.refunded">, signal?: AbortSignal) =>
      enqueueOnce(event.id, "refund", () => refundEmail(event, deps.shopUrl), signal),
    sendShipped: (event: DomainEvent<"order.shipped">, signal?: AbortSignal) =>
      enqueueOnce(event.id, "shipped", () => shippedEmail(event, deps.shopUrl), signal),
    sendWelcome: (event: DomainEvent<"user.registered">, signal?: AbortSignal) =>
      enqueueOnce(event.id, "welcome", () => welcomeEmail(event, deps.shopUrl), signal),
    sendRegistrationAttempt: (event: DomainEvent<"user.registration_attempted">, signal?: AbortSignal) =>
      enqueueOnce(event.id, "registration_attempt", () => registrationAttemptEmail(event, deps.shopUrl), signal),
  };
}

export interface NotificationsBatchRepos {
  processed: {
    /** Marks the events handled; returns those that were not marked before. */
    markProcessedMany(consumer: string, eventIds: readonly string[], signal?: AbortSignal): Promise<ReadonlySet<string>>;
  };
  outgoingEmails: { enqueueMany(emails: readonly NewOutgoingEmail[], signal?: AbortSignal): Promise<void> };
}

/**
 * Order confirmations for many order.created events in one transaction (a
 * backlog): the same processed marks and queued emails as
 * sendOrderConfirmation one by one, in two statements. A redelivered event, or
 * one that appears twice in the batch, queues nothing more.
 */
export function makeQueueOrderConfirmations(deps: { uow: UnitOfWork<NotificationsBatchRepos>; ids: IdGenerator; shopUrl: string }) {
  const messageIdHost = new URL(deps.shopUrl).hostname;
  return function queueOrderConfirmations(events: readonly DomainEvent<"order.created">[], signal?: AbortSignal): Promise<EnqueueOutcome[]> {
    return deps.uow.run(async ({ processed, outgoingEmails }) => {
      const fresh = await processed.markProcessedMany(
        NOTIFICATIONS_CONSUMER,
        events.map((e) => e.id),
        signal,
      );
      const seen = new Set<string>();
      const emails: NewOutgoingEmail[] = [];
      const outcomes = events.map((event): EnqueueOutcome => {
        if (!fresh.has(event.id) || seen.has(event.id)) return "duplicate";
        seen.add(event.id);
        const id = deps.ids.uuid();
        emails.push({ id, eventId: event.id, kind: "order_confirmation", message: { ...orderConfirmationEmail(event, deps.shopUrl), messageId: `<${id}@${messageIdHost}>` } });
        return "queued";
      });
      await outgoingEmails.enqueueMany(emails, signal);
      return outcomes;
    }, signal);
  };
}

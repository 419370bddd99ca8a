import { addressLines } from "../../domain/address";
import type { DomainEvent } from "../../domain/events";
import { formatMoney, money } from "../../domain/money";
import type { ProcessedEvents } from "../shared";

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
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
  const lines = p.lines.map((l) => `${l.quantity} × ${l.name} — ${amount(l.unitPriceMinor * l.quantity)}`);
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

export function welcomeEmail(event: DomainEvent<"user.registered">, shopUrl: string): EmailMessage {
  const { name, email } = event.payload;
  return {
    to: email,
    subject: "Welcome to the shop",
    text: `Hello ${name},\n\nyour account is ready. Start shopping at ${shopUrl}\n`,
    html: `<p>Hello ${escapeHtml(name)},</p><p>your account is ready. <a href="${escapeHtml(shopUrl)}">Start shopping</a>.</p>`,
  };
}

/**
 * Sends each event's email at most once per successful record. An email is
 * sent before the event is recorded, so a crash in between sends it again
 * (at-least-once); recording first could lose it, which is worse for a receipt.
 */
export function makeNotifications(deps: { mailer: Mailer; processed: ProcessedEvents; shopUrl: string }) {
  const once = async (eventId: string, message: () => EmailMessage, signal?: AbortSignal): Promise<"sent" | "duplicate"> => {
    if (await deps.processed.isProcessed(NOTIFICATIONS_CONSUMER, eventId, signal)) return "duplicate";
    await deps.mailer.send(message(), signal);
    await deps.processed.markProcessed(NOTIFICATIONS_CONSUMER, eventId, signal);
    return "sent";
  };
  return {
    sendOrderConfirmation: (event: DomainEvent<"order.created">, signal?: AbortSignal) =>
      once(event.id, () => orderConfirmationEmail(event, deps.shopUrl), signal),
    sendReceipt: (event: DomainEvent<"order.paid">, signal?: AbortSignal) => once(event.id, () => receiptEmail(event, deps.shopUrl), signal),
    sendShipped: (event: DomainEvent<"order.shipped">, signal?: AbortSignal) => once(event.id, () => shippedEmail(event, deps.shopUrl), signal),
    sendWelcome: (event: DomainEvent<"user.registered">, signal?: AbortSignal) =>
      once(event.id, () => welcomeEmail(event, deps.shopUrl), signal),
  };
}

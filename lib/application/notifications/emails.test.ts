import { describe, expect, it } from "vitest";
import { makeEvent, parseEventPayload, type DomainEvent } from "@/lib/domain/events";
import { orderConfirmationEmail, registrationAttemptEmail, shippedEmail, welcomeEmail } from "./emails";

const id = "7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11";
const line = { productId: id, variantId: id, sku: "S", name: "Oak Mug", variantTitle: "", unitPriceMinor: 1587, quantity: 2 };
/** The line as an order.created v1 or v2 event carried it, before variants. */
const { variantId: _variantId, variantTitle: _variantTitle, ...lineBeforeVariants } = line;

function orderCreated(payload: DomainEvent<"order.created">["payload"]): DomainEvent<"order.created"> {
  return makeEvent("order.created", { id, aggregateType: "order", aggregateId: id, occurredAt: new Date(), payload });
}

describe("order confirmation email", () => {
  it("lists subtotal, shipping, total and the address, escaped in HTML", () => {
    const email = orderConfirmationEmail(
      orderCreated({
        orderId: id,
        userId: id,
        email: "ada@example.com",
        currency: "USD",
        subtotalMinor: 3174,
        shippingMinor: 495,
        totalMinor: 3669,
        shipTo: { name: "Ada <b>Lovelace</b>", line1: "12 Hill St", line2: "Flat 3", city: "San Francisco", postalCode: "94107", country: "US" },
        lines: [line],
      }),
      "https://shop.example",
    );
    expect(email.text).toContain("2 × Oak Mug — $31.74\n\nSubtotal: $31.74\nShipping: $4.95\nTotal: $36.69");
    expect(email.text).toContain("Shipping to:\nAda <b>Lovelace</b>\n12 Hill St\nFlat 3\nSan Francisco 94107\nUnited States");
    expect(email.html).toContain("Ada &lt;b&gt;Lovelace&lt;/b&gt;<br>12 Hill St");
    expect(email.html).not.toContain("<b>Lovelace");
  });

  it("names each line's variant, so two sizes of one product read apart", () => {
    const other = "00000000-0000-4000-8000-000000000002";
    const email = orderConfirmationEmail(
      orderCreated({
        orderId: id,
        userId: id,
        email: "ada@example.com",
        currency: "USD",
        subtotalMinor: 9000,
        shippingMinor: 0,
        totalMinor: 9000,
        shipTo: null,
        lines: [
          { ...line, name: "Oak Chair", variantTitle: "Size: S / Wood: Oak", unitPriceMinor: 4000, quantity: 1 },
          { ...line, variantId: other, name: "Oak Chair", variantTitle: "Size: M / Wood: <Walnut>", unitPriceMinor: 5000, quantity: 1 },
        ],
      }),
      "https://shop.example",
    );
    expect(email.text).toContain("1 × Oak Chair (Size: S / Wood: Oak) — $40.00\n1 × Oak Chair (Size: M / Wood: <Walnut>) — $50.00");
    expect(email.html).toContain("Oak Chair (Size: M / Wood: &lt;Walnut&gt;)");
  });

  it("says free shipping, and leaves the address out for an order placed before addresses (a v1 event)", () => {
    const v1 = { orderId: id, userId: id, email: "ada@example.com", currency: "USD", totalMinor: 6000, lines: [{ ...lineBeforeVariants, unitPriceMinor: 3000 }] };
    const email = orderConfirmationEmail(orderCreated(parseEventPayload("order.created", 1, v1)), "https://shop.example");
    expect(email.text).toContain("Subtotal: $60.00\nShipping: Free\nTotal: $60.00");
    expect(email.text).not.toContain("Shipping to:");
  });
});

describe("shipped email", () => {
  it("tells the shopper the tracking reference, escaped in HTML, with a link to the order", () => {
    const email = shippedEmail(
      makeEvent("order.shipped", {
        id,
        aggregateType: "order",
        aggregateId: id,
        occurredAt: new Date(),
        payload: { orderId: id, userId: id, email: "ada@example.com", trackingReference: "1Z<999>" },
      }),
      "https://shop.example",
    );
    expect(email.to).toBe("ada@example.com");
    expect(email.subject).toBe(`Your order ${id.slice(0, 8)} has shipped`);
    expect(email.text).toContain("Tracking reference: 1Z<999>");
    expect(email.text).toContain(`https://shop.example/orders/${id}`);
    expect(email.html).toContain("1Z&lt;999&gt;");
    expect(email.html).not.toContain("1Z<999>");
  });
});

function registered(name: string): DomainEvent<"user.registered"> {
  return makeEvent("user.registered", { id, aggregateType: "user", aggregateId: id, occurredAt: new Date(), payload: { userId: id, email: "new@example.com", name } });
}

/** Every link of an HTML part: the targets of its <a> elements. */
const links = (html: string) => [...html.matchAll(/<a\b[^>]*href="([^"]*)"/gi)].map((m) => m[1]);

describe("welcome email", () => {
  it("greets by name, as text: escaped in the HTML part", () => {
    const email = welcomeEmail(registered("Tom & Jerry's"), "https://shop.example");
    expect(email.text).toContain("Hello Tom & Jerry's,");
    expect(email.html).toContain("Hello Tom &amp; Jerry&#39;s,");
    expect(links(email.html)).toEqual(["https://shop.example"]);
  });

  it("cannot carry markup or a link in the name: such a name is left out, and only the shop's own link remains", () => {
    for (const name of ['<a href="http://evil">x</a>', "http://evil.example", "Win cash at evil.example now", "www.evil.example", "Mail me: x@evil.example"]) {
      const email = welcomeEmail(registered(name), "https://shop.example");
      expect(email.html, name).not.toMatch(/evil/);
      expect(email.text, name).not.toMatch(/evil/);
      expect(links(email.html), name).toEqual(["https://shop.example"]);
      expect(email.text).toContain("Hello,");
    }
  });
});

describe("registration attempt email", () => {
  it("tells the owner someone tried to register their address, with nothing the registrant typed", () => {
    const event = makeEvent("user.registration_attempted", { id, aggregateType: "user", aggregateId: id, occurredAt: new Date(), payload: { userId: id, email: "owner@example.com" } });
    const email = registrationAttemptEmail(event, "https://shop.example");
    expect(email.to).toBe("owner@example.com");
    expect(email.text).toContain("already has an account");
    expect(links(email.html)).toEqual(["https://shop.example/signin"]);
  });
});

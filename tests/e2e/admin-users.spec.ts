import { expect, test, type Page } from "./fixtures";
import { ADMIN, signInAsAdmin } from "./admin-support";
import { registerShopper } from "./support";

/** The user's row in the admin's user list, found by searching for their email. */
async function rowOf(admin: Page, email: string) {
  await admin.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await expect(admin.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  return admin.locator(`[data-testid="user-row"][data-email="${email}"]`);
}

/** Asks, then confirms, a role change in a row; returns the row. */
async function changeRole(admin: Page, email: string, ask: RegExp, confirm: string) {
  const row = await rowOf(admin, email);
  await row.getByRole("button", { name: ask }).click();
  const confirmButton = row.getByRole("button", { name: confirm });
  await expect(confirmButton).toBeFocused();
  await confirmButton.click();
  return row;
}

test("an admin promotes a shopper, who can then open the back office, and demotes them again", async ({ page: admin, browser }) => {
  await signInAsAdmin(admin);

  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();
  const email = await registerShopper(shopper, "Future Admin");
  const refused = await shopper.goto("/admin");
  expect(refused?.status()).toBe(403);
  await expect(shopper.getByRole("heading", { name: "Not allowed" })).toBeVisible();

  // Cancel first: nothing changes.
  let row = await rowOf(admin, email);
  await expect(row.getByTestId("user-role")).toHaveText("Customer");
  await row.getByRole("button", { name: `Make admin: ${email}` }).click();
  await expect(row.getByText(`Give ${email} admin rights?`)).toBeVisible();
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByRole("button", { name: `Make admin: ${email}` })).toBeFocused();

  row = await changeRole(admin, email, new RegExp(`^Make admin: ${email}$`), "Confirm: make admin");
  await expect(row.getByRole("status")).toHaveText(`${email} is now an admin.`);
  await expect(row.getByTestId("user-role")).toHaveText("Admin");

  // Same session, next request: the back office opens.
  const allowed = await shopper.goto("/admin");
  expect(allowed?.status()).toBe(200);
  await expect(shopper.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  row = await changeRole(admin, email, new RegExp(`^Remove admin: ${email}$`), "Confirm: remove admin");
  await expect(row.getByRole("status")).toHaveText(`${email} is now a customer.`);
  await expect(row.getByTestId("user-role")).toHaveText("Customer");

  // Still signed in, but the very next request is refused.
  const after = await shopper.goto("/admin/users");
  expect(after?.status()).toBe(403);
  await expect(shopper.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await shopperContext.close();
});

test("the only admin cannot step down", async ({ page: admin, browser }) => {
  await signInAsAdmin(admin);
  // Another admin, so that there is one to demote below whatever ran before.
  const otherContext = await browser.newContext();
  const otherEmail = await registerShopper(await otherContext.newPage(), "Second Admin");
  await otherContext.close();
  const promoted = await changeRole(admin, otherEmail, new RegExp(`^Make admin: ${otherEmail}$`), "Confirm: make admin");
  await expect(promoted.getByRole("status")).toHaveText(`${otherEmail} is now an admin.`);

  // Make the seeded admin the only one: this journey's second admin, and any other journey's.
  let demoted = 0;
  for (;;) {
    await admin.goto("/admin/users?role=admin");
    const others = admin.locator('[data-testid="user-row"]').filter({ hasNot: admin.getByText("(you)") });
    if ((await others.count()) === 0) break;
    const email = (await others.first().getAttribute("data-email"))!;
    const row = await changeRole(admin, email, new RegExp(`^Remove admin: `), "Confirm: remove admin");
    await expect(row.getByRole("status")).toHaveText(`${email} is now a customer.`);
    demoted++;
  }
  expect(demoted).toBeGreaterThanOrEqual(1);

  const row = await changeRole(admin, ADMIN.email, /^Step down as admin: /, "Confirm: remove admin");
  await expect(row.getByRole("alert")).toContainText("The shop needs at least one admin");
  await expect(row.getByTestId("user-role")).toHaveText("Admin");
  await admin.screenshot({ path: test.info().outputPath("admin-users-last-admin.png"), fullPage: true });
  const still = await admin.goto("/admin");
  expect(still?.status()).toBe(200);
});

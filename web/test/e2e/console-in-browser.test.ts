/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real services behind the local
 * gateway: ordering at desktop and phone widths, keyboard focus after each action, nothing wider than a phone, and a
 * stress run started and cancelled from the ops panel, a fault injected and reverted there at both widths. Every view's screenshot is saved to web/e2e-screenshots
 * (git-ignored) for a reviewer to open.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmDefinitions } from "@cloudcafe/catalog";
import { type ConsolePlatform, OPERATOR_TOKEN, startConsolePlatform } from "./console-platform.ts";

const screenshots = fileURLToPath(new URL("../../e2e-screenshots/", import.meta.url));
mkdirSync(screenshots, { recursive: true });

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let platform: ConsolePlatform;

beforeAll(async () => {
  platform = await startConsolePlatform();
}, 240_000);

afterAll(async () => {
  await platform?.stop();
});

async function open(viewport: { width: number; height: number }): Promise<Page> {
  const page = await platform.browser.newPage({ viewport });
  const failures: string[] = [];
  page.on("pageerror", (error) => failures.push(error.message));
  page.on("console", (message) => {
    // A failed request is judged by its URL below: readiness may honestly answer 503 on a loaded machine.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) failures.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 500 && !new URL(response.url()).pathname.startsWith("/ready")) failures.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(platform.url);
  await page.getByRole("heading", { name: "Menu", level: 2 }).waitFor();
  await page.locator(".item").first().waitFor();
  Object.assign(page, { failures });
  return page;
}

const failuresOf = (page: Page) => (page as Page & { failures: string[] }).failures;

/** Elements wider than the viewport or reaching past its right edge, for a readable failure. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || getComputedStyle(element).position === "fixed") continue;
      if (box.right > width + 1) found.push(`${element.tagName.toLowerCase()}.${element.className} right=${Math.round(box.right)}`);
    }
    return found.slice(0, 10);
  });
}

async function addToCart(page: Page, itemName: string): Promise<void> {
  const item = page.locator("form.item", { has: page.getByRole("heading", { name: itemName, exact: true }) });
  await item.getByRole("button", { name: `Add ${itemName} to the order` }).click();
  await expect.poll(() => item.locator(".feedback").textContent()).toBe(`Added ${itemName}.`);
}

/** The focused element's text, to check that focus went to the result of an action rather than to the page. */
const focusedText = (page: Page) => page.evaluate(() => (document.activeElement === document.body ? "<body>" : (document.activeElement?.textContent ?? "").trim()));

/** A field refused in the page's words: marked invalid, the message tied to it, and focused. */
async function expectFieldError(page: Page, field: Locator, message: RegExp): Promise<void> {
  expect(await field.getAttribute("aria-invalid")).toBe("true");
  const describedBy = (await field.getAttribute("aria-describedby")) ?? "";
  const descriptions = await Promise.all(describedBy.split(" ").filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
  expect(descriptions.join(" ")).toMatch(message);
  expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);
}

/** An order's card in the Orders section, by its id (the list also holds the customer's earlier orders). */
const orderCard = (page: Page, orderId: string): Locator => page.locator(".order", { has: page.locator("h3 code", { hasText: orderId }) });

/** Places the cart's order; focus lands on the result, which names the order. Returns its id and its card. */
async function placeOrder(page: Page): Promise<{ orderId: string; card: Locator }> {
  await page.getByRole("button", { name: "Place order" }).click();
  const placed = page.getByRole("status").filter({ hasText: /^Order .* placed/ });
  await placed.waitFor();
  expect(await page.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/^Order .* placed/);
  const orderId = /^Order (ord_[0-9a-f]{32}) placed/.exec((await placed.textContent()) ?? "")?.[1];
  if (!orderId) throw new Error(`no order id in "${await placed.textContent()}"`);
  return { orderId, card: orderCard(page, orderId) };
}

describe("the console in Chromium", () => {
  it("places an order at desktop width and shows it PAID with its trace id; focus lands on the result", { timeout: 90_000 }, async () => {
    const page = await open(DESKTOP);
    // Each menu item says what the chosen store has of it (Inventory).
    const latte = page.locator("form.item", { has: page.getByRole("heading", { name: "Caffè Latte", exact: true }) });
    await expect.poll(() => latte.locator(".stock").textContent(), { timeout: 15_000 }).toMatch(/^(\d+ available|only \d+ left)$/);
    await page.screenshot({ path: `${screenshots}desktop-menu.png`, fullPage: true });
    await addToCart(page, "Caffè Latte");

    const { card: order } = await placeOrder(page);
    await expect.poll(() => order.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);
    expect(await order.textContent()).toMatch(/[0-9a-f]{32}/);
    await page.screenshot({ path: `${screenshots}desktop-order-paid.png`, fullPage: true });
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it("shows a paid order's points to the signed-in customer in the Loyalty section", { timeout: 90_000 }, async () => {
    const page = await open(DESKTOP);
    const customerId = `loyal-${Date.now()}`;
    await page.locator("#customer-id").fill(customerId);
    await addToCart(page, "Caffè Latte");
    const { orderId, card: order } = await placeOrder(page);
    await expect.poll(() => order.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);

    const loyalty = page.locator("#loyalty");
    await loyalty.getByLabel("Member id").fill("");
    await loyalty.getByRole("button", { name: "Sign in" }).click();
    await expectFieldError(page, loyalty.getByLabel("Member id"), /^Member id: 1-64 letters/);
    await loyalty.getByLabel("Member id").fill(customerId);
    await loyalty.getByRole("button", { name: "Sign in" }).click();
    await loyalty.getByText("Signed in as").waitFor();
    expect(await focusedText(page)).toBe(`Signed in as ${customerId}`);
    await expect
      .poll(async () => {
        if (await loyalty.getByRole("button", { name: "Refresh" }).isVisible()) await loyalty.getByRole("button", { name: "Refresh" }).click();
        return loyalty.textContent();
      }, { timeout: 30_000 })
      .toContain(orderId);
    expect(await loyalty.locator(".standing").textContent()).toMatch(/^BRONZE · \d+ points · \d+ to SILVER$/);
    await page.screenshot({ path: `${screenshots}desktop-loyalty.png`, fullPage: true });
    await loyalty.getByRole("button", { name: "Sign out" }).click();
    await loyalty.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await focusedText(page)).toBe("Sign in to see your points and tier.");
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it("keeps focus in the cart after Remove and on readiness's check again, and refuses a bad quantity or customer id inline, tied to its field", { timeout: 60_000 }, async () => {
    const page = await open(DESKTOP);
    await addToCart(page, "Caffè Latte");
    await page.getByRole("button", { name: /^Remove Caffè Latte/ }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent ?? "")).toMatch(/The cart is empty/);

    const item = page.locator("form.item").first();
    const quantity = item.getByLabel("Qty");
    await quantity.fill("0");
    await item.getByRole("button", { name: /^Add / }).click();
    expect(await quantity.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await quantity.getAttribute("aria-describedby"))!;
    expect(await page.locator(`#${describedBy}`).textContent()).toMatch(/Quantity: a whole number from 1 to 20/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("quantity");

    await quantity.fill("1");
    await addToCart(page, "Caffè Latte");
    const customerId = page.getByLabel("Customer id");
    await customerId.fill("not an id!");
    await page.getByRole("button", { name: "Place order" }).click();
    await expectFieldError(page, customerId, /^Customer id: 1-64 letters/);
    await customerId.fill("customer-demo-001");
    await customerId.press("Tab");
    expect(await customerId.getAttribute("aria-invalid")).toBeNull();

    // Checking readiness again keeps focus on the button that asked.
    const again = page.getByRole("button", { name: "check again" });
    await again.click();
    await page.waitForTimeout(500);
    expect(await focusedText(page)).toBe("check again");
    await page.close();
  });

  it("fits a 390 px phone: nothing wider than the screen, the cart one tap away in a bar with count and total", { timeout: 90_000 }, async () => {
    const page = await open(PHONE);
    expect(await overflowing(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: `${screenshots}phone-menu.png`, fullPage: true });

    await addToCart(page, "Caffè Latte");
    const bar = page.getByRole("navigation", { name: "Cart" });
    expect(await bar.isVisible()).toBe(true);
    expect(await bar.textContent()).toMatch(/1 item · \$\d+\.\d\d/);
    const box = (await bar.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height + 1);
    await page.screenshot({ path: `${screenshots}phone-cart-bar.png` });

    await bar.getByRole("link", { name: "Review order" }).click();
    const { card } = await placeOrder(page);
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: `${screenshots}phone-order-paid.png`, fullPage: true });
    await page.close();
  });

  it("fits the narrowest phone (360 px) in every view, with touch targets at least 44 × 44 px", { timeout: 90_000 }, async () => {
    const narrow = { width: 360, height: 740 };
    const page = await open(narrow);
    await addToCart(page, "Caffè Latte");
    // An order on the page too, with its disclosure of lines.
    const { card } = await placeOrder(page);
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);
    for (const view of ["/", "/barista", "/board", "/ops"]) {
      if (view !== "/") await page.goto(`${platform.url}${view}`);
      await page.locator("main h1, main h2").first().waitFor();
      expect(await page.title()).toBe(`${{ "/": "Order", "/barista": "Barista", "/board": "Pickup board", "/ops": "Ops" }[view]} · CloudCafe`);
      expect(await overflowing(page), view).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), view).toBeLessThanOrEqual(narrow.width);
      const small = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>("button, a[href], input:not([type=hidden]), select, summary"))
          // A radio or a checkbox is tapped through its label.
          .map((element) => ({ element, box: (element.matches("[type=radio], [type=checkbox]") ? element.closest("label") ?? element : element).getBoundingClientRect() }))
          // Off screen until focused (the skip link), or not shown.
          .filter(({ box }) => box.width > 0 && box.right > 0 && box.bottom > 0)
          .filter(({ box }) => box.height < 44 - 0.5 || box.width < 44 - 0.5)
          .map(({ element, box }) => `${element.tagName.toLowerCase()} "${(element.textContent || element.getAttribute("aria-label") || element.getAttribute("name") || "").trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)} px`),
      );
      expect(small, view).toEqual([]);
      await page.screenshot({ path: `${screenshots}phone-360${view === "/" ? "-menu" : view.replace("/", "-")}.png`, fullPage: true });
    }
    await page.close();
  });

  it("shows the signed-in customer's timeline only, from the server, and the same customer after a reload", { timeout: 90_000 }, async () => {
    const page = await open(DESKTOP);
    const customerField = page.getByLabel("Customer id");
    const signIn = async (customerId: string) => {
      await customerField.fill(customerId);
      await customerField.press("Tab");
    };
    const first = `e2e-first-${Date.now()}`;
    const second = `e2e-second-${Date.now()}`;
    await signIn(first);
    await addToCart(page, "Caffè Latte");
    const { card } = await placeOrder(page);
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);

    await signIn(second);
    await page.getByText("Orders you place appear here").waitFor({ timeout: 10_000 });
    expect(await page.locator(".order").count()).toBe(0);

    await signIn(first);
    await card.waitFor({ timeout: 10_000 });
    expect(await page.locator(".order dd", { hasText: /^e2e-/ }).allTextContents()).toEqual([first]);

    await page.reload();
    expect(await customerField.inputValue()).toBe(first);
    await card.waitFor({ timeout: 10_000 });
    expect(await page.locator(".order").count()).toBe(1);
    expect(await card.locator(".status").textContent()).toMatch(/paid/i);
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  it("pages the customer's server-kept history, newest first, on request", { timeout: 90_000 }, async () => {
    const customerId = `e2e-history-${Date.now()}`;
    // Eleven orders placed elsewhere (another device): one more than a page.
    const placed: string[] = [];
    for (let n = 0; n < 11; n++) {
      const response = await fetch(`${platform.url}/api/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ customerId, storeId: "store-aus-001", items: [{ sku: "ESP-003", size: "grande", quantity: 1, options: [] }] }),
      });
      expect(response.status).toBe(201);
      placed.push(((await response.json()) as { orderId: string }).orderId);
    }
    const page = await open(DESKTOP);
    await page.getByLabel("Customer id").fill(customerId);
    await page.getByLabel("Customer id").press("Tab");
    const shownIds = () => page.locator(".order h3 code").allTextContents();
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual(placed.slice(1).reverse());

    await page.getByRole("button", { name: "Show older orders" }).click();
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual([...placed].reverse());
    expect(await page.getByRole("button", { name: "Show older orders" }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Your orders, newest first");
    await page.close();
  });

  it("walks a paid order through the barista's stages, shows it on the pickup board, and to the customer on a new device", { timeout: 120_000 }, async () => {
    const customerId = `e2e-stages-${Date.now()}`;
    const customer = await open(DESKTOP);
    await customer.getByLabel("Customer id").fill(customerId);
    const storeId = await customer.getByLabel("Store").inputValue();
    await addToCart(customer, "Caffè Latte");
    const { orderId, card } = await placeOrder(customer);
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);
    const number = orderId.slice(-4).toUpperCase();

    const board = await platform.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await board.goto(`${platform.url}/board?store=${storeId}`);
    const barista = await platform.browser.newPage({ viewport: { width: 1024, height: 768 } });
    await barista.goto(`${platform.url}/barista?store=${storeId}`);
    await barista.getByLabel("Staff (operator) token").fill(OPERATOR_TOKEN);
    await barista.getByLabel("Staff (operator) token").press("Tab");
    for (const step of ["Start", "Ready"]) {
      const button = barista.getByRole("button", { name: `${step}: order ${number}` });
      await button.click();
      await barista.getByRole("status").filter({ hasText: `Order ${number} is` }).waitFor();
    }
    await barista.screenshot({ path: `${screenshots}barista-queue.png`, fullPage: true });

    const ready = board.locator('section[aria-labelledby="board-ready"] .board-numbers li', { hasText: number });
    await ready.waitFor({ timeout: 10_000 });
    await board.screenshot({ path: `${screenshots}pickup-board.png` });
    // The customer's card follows the order live: no reload. Its timeline shows the way so far and what is next.
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 15_000 }).toMatch(/ready for pickup/i);
    const steps = card.getByRole("list", { name: "Progress" }).locator("li");
    expect((await steps.allTextContents()).map((text) => text.replace(/ \d.*$/, "").replace(" (not yet)", ""))).toEqual(["Placed", "Paid", "Preparing", "Ready", "Collected"]);
    expect(await card.locator('[aria-current="step"]').textContent()).toMatch(/^Ready \d/);
    expect(await steps.last().textContent()).toBe("Collected (not yet)");
    // The notification sender told the customer too (payment, then ready), in the inbox.
    const inbox = customer.getByRole("list", { name: "Notifications, newest first" });
    await inbox.getByText(`Order #${number} is ready for pickup.`).waitFor({ timeout: 15_000 });
    expect(await inbox.locator("li strong").allTextContents()).toEqual(expect.arrayContaining(["Your order is ready", "Payment received"]));

    // Another device: no session storage, the history comes from the server.
    const other = await platform.browser.newContext({ viewport: PHONE });
    const phone = await other.newPage();
    await phone.goto(platform.url);
    await phone.getByLabel("Customer id").fill(customerId);
    await phone.getByLabel("Customer id").press("Tab");
    await orderCard(phone, orderId).waitFor({ timeout: 10_000 });
    expect(await orderCard(phone, orderId).locator(".status").textContent()).toMatch(/ready for pickup/i);

    // Cancelling needs a reason, explained under its field; then the barista thinks better of it.
    const queued = barista.locator("li.queue-order", { hasText: `#${number}` });
    await queued.locator("summary", { hasText: "Cancel…" }).click();
    await queued.getByLabel(/^Reason/).fill("");
    await queued.getByRole("button", { name: "Confirm cancel and refund" }).click();
    await expectFieldError(barista, queued.getByLabel(/^Reason/), /^Reason: /);
    await queued.locator("summary", { hasText: "Cancel…" }).click();

    await barista.getByRole("button", { name: `Collected: order ${number}` }).click();
    // The order leaves the queue with its button: focus goes to what happened.
    await expect.poll(() => focusedText(barista), { timeout: 10_000 }).toBe(`Order ${number} is collected.`);
    await ready.waitFor({ state: "detached", timeout: 10_000 });
    expect(await overflowing(phone)).toEqual([]);
    await Promise.all([board.close(), barista.close(), other.close(), customer.close()]);
  });

  it("follows the customer's orders with one history read per poll: fast after an action, slower when nothing changes, none once nothing is in flight", { timeout: 150_000 }, async () => {
    const customerId = `e2e-poll-${Date.now()}`;
    const customer = await open(DESKTOP);
    const historyReads: number[] = [];
    const orderReads: string[] = [];
    customer.on("request", (request) => {
      if (request.method() !== "GET") return;
      const url = new URL(request.url());
      if (url.pathname === "/api/orders" && url.searchParams.get("customerId") === customerId) historyReads.push(Date.now());
      if (/^\/api\/orders\/ord_/.test(url.pathname)) orderReads.push(url.pathname);
    });
    const readsSince = (from: number) => historyReads.filter((at) => at >= from).length;
    await customer.getByLabel("Customer id").fill(customerId);
    await customer.getByLabel("Customer id").press("Tab");
    const storeId = await customer.getByLabel("Store").inputValue();
    await addToCart(customer, "Caffè Latte");
    const first = await placeOrder(customer);
    await addToCart(customer, "Caffè Latte");
    const second = await placeOrder(customer);
    const placed = Date.now();
    for (const { card } of [first, second]) await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);
    const paidAfterMs = Date.now() - placed;

    // Two orders in flight, nothing changing: one read for both, slowing to one every 3 s.
    const quiet = Date.now();
    await customer.waitForTimeout(9_000);
    const quietReads = readsSince(quiet);
    expect(quietReads).toBeGreaterThanOrEqual(3);
    expect(quietReads).toBeLessThanOrEqual(8);

    // A barista's move shows within the slowest wait (3 s) and a read.
    const barista = await platform.browser.newPage({ viewport: { width: 1024, height: 768 } });
    await barista.goto(`${platform.url}/barista?store=${storeId}`);
    await barista.getByLabel("Staff (operator) token").fill(OPERATOR_TOKEN);
    await barista.getByLabel("Staff (operator) token").press("Tab");
    const stage = async (step: string, orderId: string) => {
      const number = orderId.slice(-4).toUpperCase();
      await barista.getByRole("button", { name: `${step}: order ${number}` }).click();
      await barista.getByRole("status").filter({ hasText: `Order ${number} is` }).waitFor();
    };
    await stage("Start", first.orderId);
    const moved = Date.now();
    await expect.poll(() => first.card.locator(".status").textContent(), { timeout: 5_000, interval: 100 }).toMatch(/preparing/i);
    const baristaMoveShownAfterMs = Date.now() - moved;

    for (const { orderId } of [first, second]) for (const step of ["Start", "Ready", "Collected"]) if (orderId !== first.orderId || step !== "Start") await stage(step, orderId);
    for (const { card } of [first, second]) await expect.poll(() => card.locator(".status").textContent(), { timeout: 10_000 }).toMatch(/collected/i);
    // Nothing in flight: the poll has stopped.
    const settled = Date.now();
    await customer.waitForTimeout(5_000);
    expect(readsSince(settled)).toBe(0);
    // Never one read per order.
    expect(orderReads).toEqual([]);
    console.info(JSON.stringify({ paidAfterMs, quietReadsIn9s: quietReads, baristaMoveShownAfterMs, historyReads: historyReads.length }));
    expect(failuresOf(customer)).toEqual([]);
    await Promise.all([barista.close(), customer.close()]);
  });

  it("cancels a paid order from the barista's queue with a reason; the customer's card shows it refunded, live", { timeout: 120_000 }, async () => {
    const customer = await open(DESKTOP);
    await customer.getByLabel("Customer id").fill(`e2e-cancel-${Date.now()}`);
    await customer.getByLabel("Customer id").press("Tab");
    const storeId = await customer.getByLabel("Store").inputValue();
    await addToCart(customer, "Caffè Latte");
    const { orderId, card } = await placeOrder(customer);
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toMatch(/paid/i);
    const number = orderId.slice(-4).toUpperCase();

    const barista = await platform.browser.newPage({ viewport: PHONE });
    await barista.goto(`${platform.url}/barista?store=${storeId}`);
    await barista.getByLabel("Staff (operator) token").fill(OPERATOR_TOKEN);
    await barista.getByLabel("Staff (operator) token").press("Tab");
    const queued = barista.locator("li.queue-order", { hasText: `#${number}` });
    await queued.locator("summary", { hasText: "Cancel…" }).click();
    await queued.getByLabel(/^Reason/).fill("Out of oat milk");
    await queued.getByRole("button", { name: "Confirm cancel and refund" }).click();
    await expect.poll(() => focusedText(barista), { timeout: 10_000 }).toBe(`Order ${number} cancelled (Out of oat milk); its refund is on its way.`);
    await queued.waitFor({ state: "detached", timeout: 10_000 });
    expect(await overflowing(barista)).toEqual([]);

    // The payment processor refunds it; the card follows without a reload, with the store's reason.
    await expect.poll(() => card.locator(".status").textContent(), { timeout: 30_000 }).toBe("Cancelled and refunded");
    expect(await card.textContent()).toContain("Out of oat milk");
    await customer.screenshot({ path: `${screenshots}desktop-order-refunded.png`, fullPage: true });
    expect(failuresOf(customer)).toEqual([]);
    await Promise.all([barista.close(), customer.close()]);
  });

  it("shows the alarms and their charts in the ops view at desktop and 390 px, nothing wider than the phone", { timeout: 60_000 }, async () => {
    for (const [name, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      const page = await platform.browser.newPage({ viewport });
      Object.assign(page, { failures: [] });
      page.on("pageerror", (error) => failuresOf(page).push(error.message));
      await page.goto(`${platform.url}/ops`);
      const alarms = page.getByRole("list", { name: "Alarms" }).locator("li");
      // Every alarm the catalog defines (architecture, platform and fault registry), however many there are.
      await expect.poll(() => alarms.count(), { timeout: 15_000 }).toBe(Object.keys(alarmDefinitions).length);
      const alb = alarms.filter({ hasText: "alb5xxRate" });
      expect(await alb.locator(".alarm-state").textContent()).toMatch(/^(OK|no data)$/);
      expect(await alb.textContent()).toContain("threshold > 5% · 5 × 2 s here (5 min deployed) · since");
      await page.getByRole("img", { name: /^Gateway 5XX rate: latest .*alarm threshold 5 %/ }).waitFor();
      expect(await page.locator("figure.metric-chart").count()).toBe(6);
      await page.screenshot({ path: `${screenshots}${name}-ops-alarms.png`, fullPage: true });
      expect(await overflowing(page)).toEqual([]);
      expect(failuresOf(page)).toEqual([]);
      await page.close();
    }
  });

  it("starts a stress run from the ops view with the operator token and cancels it", { timeout: 90_000 }, async () => {
    const page = await platform.browser.newPage({ viewport: DESKTOP });
    Object.assign(page, { failures: [] });
    page.on("pageerror", (error) => failuresOf(page).push(error.message));
    await page.goto(`${platform.url}/ops`);
    await page.getByLabel("Operator token").fill(OPERATOR_TOKEN);
    await page.getByRole("button", { name: "Save" }).click();
    const target = page.getByLabel("Target CPU (% of the service's allowance)");
    const duration = page.getByLabel(/^Duration \(seconds/);
    await target.fill("0");
    await page.getByRole("button", { name: "Start run" }).click();
    await expectFieldError(page, target, /^Target CPU must be above 0% and at most 100%/);
    await target.fill("20");
    await duration.fill("5000");
    await page.getByRole("button", { name: "Start run" }).click();
    await expectFieldError(page, duration, /^Duration must be 1 to 900 whole seconds/);
    expect(await target.getAttribute("aria-invalid")).toBeNull();
    await duration.fill("60");
    await page.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => focusedText(page), { timeout: 20_000 }).toMatch(/^Run .* started/);

    const run = page.locator(".run").first();
    await expect.poll(() => run.locator(".status").textContent(), { timeout: 20_000 }).toBe("running");
    await page.screenshot({ path: `${screenshots}desktop-stress-running.png`, fullPage: true });
    await run.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => run.locator(".status").textContent(), { timeout: 20_000 }).toBe("cancelled");
    // The Cancel button is gone with the run: focus is on what happened.
    await expect.poll(() => focusedText(page), { timeout: 10_000 }).toMatch(/^Run .* cancelled\.$/);
    await page.screenshot({ path: `${screenshots}desktop-stress-cancelled.png`, fullPage: true });
    expect(failuresOf(page)).toEqual([]);
    await page.close();
  });

  for (const [name, viewport] of [["desktop", DESKTOP], ["360 px", { width: 360, height: 780 }]] as const) {
    it(`builds the Lambda scenarios' command and event from their parameters and caps, refusing a value inline (${name})`, { timeout: 60_000 }, async () => {
      const page = await platform.browser.newPage({ viewport });
      Object.assign(page, { failures: [] });
      page.on("pageerror", (error) => failuresOf(page).push(error.message));
      await page.goto(`${platform.url}/ops`);
      const form = page.locator("form.workload-form");
      const build = form.getByRole("button", { name: "Build command" });
      await form.getByLabel("Scenario").selectOption("query-storm");
      const rows = form.getByLabel(/^Rows per query \(1–1,000,000; /);
      await form.getByLabel(/^Queries /).fill("5");
      await form.getByLabel(/^Concurrency /).fill("2");
      await rows.fill("20000");
      await form.getByLabel(/^Table rows /).fill("10000");
      await build.click();
      await expectFieldError(page, rows, /^Rows per query must not exceed the table rows/);
      await rows.fill("1000");
      await build.click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("workload-commands"))).toBe(true);
      expect(await rows.getAttribute("aria-invalid")).toBeNull();
      expect(await form.locator('[data-command="local"]').textContent()).toBe("npm run stress -- query-storm --queries 5 --concurrency 2 --rows-per-query 1000 --table-rows 10000");
      expect(await form.locator('[data-command="event"]').textContent()).toBe('{"queries":5,"concurrency":2,"rowsPerQuery":1000,"tableRows":10000}');

      await form.getByLabel("Scenario").selectOption("cold-start-avalanche");
      const concurrency = form.getByLabel(/^Concurrency \(1–1,000; deployed default 200\)/);
      await concurrency.fill("1001");
      await build.click();
      await expectFieldError(page, concurrency, /^Concurrency must be a whole number from 1 to 1,000/);
      await concurrency.fill("20");
      await build.click();
      await expect.poll(() => form.locator('[data-command="local"]').textContent()).toBe(
        "npm run stress -- cold-start-avalanche --invocations 200 --concurrency 20 --init-delay-ms 3000 --fraud-rounds 2000",
      );
      expect(await form.locator('[data-command="event"]').textContent()).toBe('{"invocations":200,"concurrency":20}');
      expect(await form.locator('[data-command="invoke"]').textContent()).toContain("--function-name cloudcafe-<stage>-stress-cold-start-avalanche");
      expect(await overflowing(page)).toEqual([]);
      await form.screenshot({ path: `${screenshots}${name === "desktop" ? "desktop" : "phone-360"}-lambda-scenarios.png` });
      expect(failuresOf(page)).toEqual([]);
      await page.close();
    });
  }

  for (const [name, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    it(`injects a fault from the ops view with a TTL, shows its countdown and reverts it (${name})`, { timeout: 60_000 }, async () => {
      const page = await platform.browser.newPage({ viewport });
      Object.assign(page, { failures: [] });
      page.on("pageerror", (error) => failuresOf(page).push(error.message));
      await page.goto(`${platform.url}/ops`);
      await page.getByLabel("Operator token").fill(OPERATOR_TOKEN);
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("button", { name: "Refresh faults" }).click();

      const fault = page.locator('[data-fault="nat-gateway-failure"]');
      await expect.poll(() => fault.textContent()).toContain("Expected recovery");
      await fault.getByLabel(/^TTL/).fill("0");
      await fault.getByRole("button", { name: "Inject NAT gateway failure" }).click();
      await expectFieldError(page, fault.getByLabel(/^TTL/), /^TTL: a whole number of seconds from 1 to/);
      await fault.getByLabel(/^TTL/).fill("30");
      await fault.getByRole("button", { name: "Inject NAT gateway failure" }).click();
      await expect.poll(() => focusedText(page), { timeout: 10_000 }).toMatch(/^nat-gateway-failure injected for 30 s/);
      const timer = fault.getByRole("timer");
      await expect.poll(() => timer.textContent(), { timeout: 10_000 }).toMatch(/^Active: reverts in ([1-9]|[12][0-9]|30) s$/);
      // Unavailable scenarios say so instead of offering a button.
      expect(await page.locator('[data-fault="aurora-failover"]').textContent()).toContain("No local mechanism running here");
      expect(await overflowing(page)).toEqual([]);
      await page.screenshot({ path: `${screenshots}${name}-fault-active.png`, fullPage: true });

      await fault.getByRole("button", { name: "Revert NAT gateway failure" }).click();
      await timer.waitFor({ state: "detached", timeout: 10_000 });
      await expect.poll(() => page.getByRole("status").filter({ hasText: "nat-gateway-failure reverted." }).count()).toBe(1);
      expect(await focusedText(page)).toBe("nat-gateway-failure reverted.");
      expect(failuresOf(page)).toEqual([]);
      await page.close();
    });
  }
});

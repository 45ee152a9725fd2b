// The lecture's demo in a real browser (Debian's headless Chromium, driven by
// playwright-core): the tasks list through its form, errors, reloads and restarts, the
// greeting, the 404 page, and a file uploaded with a task. DEMO_BIN names the demo binary;
// a screenshot of the tasks page is saved in target/browser-artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "../..");
const demoBin = process.env.DEMO_BIN ?? join(root, "target/debug/demo");
const artifacts = join(root, "target/browser-artifacts");
const database = join(tmpdir(), `manouche-browser-${process.pid}.sqlite3`);
const media = join(tmpdir(), `manouche-browser-media-${process.pid}`);

/** Starts the demo on a free port; resolves with the process and its base URL. */
function startDemo() {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(demoBin, ["runserver", "127.0.0.1:0"], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${database}`,
        MANOUCHE_MEDIA_ROOT: media,
        MANOUCHE_RUNSERVER_HIDE_WARNING: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${out}`)), 30000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/Starting development server at (http:\/\/[^\s]+?)\/?\n/);
      if (m && out.includes("Quit the server with CONTROL-C.")) {
        clearTimeout(timer);
        resolvePromise({ child, base: m[1] });
      }
    });
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => reject(new Error(`the demo exited (${code}):\n${out}`)));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${demoBin}: ${e.message}`));
    });
  });
}

function stop(child) {
  return new Promise((done) => {
    child.removeAllListeners("exit");
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

let server;
let browser;
let page;

before(async () => {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(database + suffix, { force: true });
  mkdirSync(artifacts, { recursive: true });
  server = await startDemo();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  page = await (await browser.newContext()).newPage();
});

after(async () => {
  await browser?.close();
  if (server) await stop(server.child);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(database + suffix, { force: true });
  rmSync(media, { recursive: true, force: true });
});

test("an empty list, then a task added through the form", async () => {
  await page.goto(`${server.base}/tasks/`);
  assert.equal(await page.locator("li").allTextContents().then((t) => t.map((s) => s.trim())).then((t) => t.join("|")), "No tasks.");
  await page.click("text=Add a New Task");
  assert.equal(new URL(page.url()).pathname, "/tasks/add");
  await page.fill("#id_task", "Buy milk");
  await page.fill("#id_priority", "3");
  await page.click("input[type=submit]");
  await page.waitForURL(`${server.base}/tasks/`);
  const items = (await page.locator("main li").allTextContents()).map((s) => s.trim());
  assert.deepEqual(items, ["Buy milk"]);
});

test("errors are shown beside the fields, with what was typed kept", async () => {
  await page.goto(`${server.base}/tasks/add`);
  // The browser would refuse an empty required field itself; submit past its checks.
  await page.$eval("form", (f) => f.setAttribute("novalidate", ""));
  await page.fill("#id_task", "");
  await page.fill("#id_priority", "4");
  await page.click("input[type=submit]");
  assert.equal((await page.locator("#id_task_error").textContent()).trim(), "This field is required.");
  assert.equal(await page.inputValue("#id_priority"), "4");
  assert.equal(await page.getAttribute("#id_task", "aria-invalid"), "true");

  await page.$eval("form", (f) => f.setAttribute("novalidate", ""));
  await page.fill("#id_task", "Walk the dog");
  await page.fill("#id_priority", "9");
  await page.click("input[type=submit]");
  assert.equal(
    (await page.locator("#id_priority_error").textContent()).trim(),
    "Ensure this value is less than or equal to 5.",
  );
  assert.equal(await page.inputValue("#id_task"), "Walk the dog");
});

test("the list is kept across reloads and a server restart", async () => {
  await page.goto(`${server.base}/tasks/`);
  await page.reload();
  assert.deepEqual((await page.locator("main li").allTextContents()).map((s) => s.trim()), ["Buy milk"]);
  await page.screenshot({ path: join(artifacts, "tasks.png"), fullPage: true });

  await stop(server.child);
  const port = new URL(server.base).port;
  server = await startDemo();
  // A new port: the cookie is for the host, which is the same.
  const newPort = new URL(server.base).port;
  assert.ok(newPort !== "" && port !== "");
  await page.goto(`${server.base}/tasks/`);
  assert.deepEqual((await page.locator("main li").allTextContents()).map((s) => s.trim()), ["Buy milk"]);
});

test("log in, see the welcome page, log out, see the message once", async () => {
  const env = { ...process.env, DATABASE_URL: `sqlite://${database}`, MANOUCHE_SUPERUSER_PASSWORD: "browser-pass-123" };
  for (const args of [["migrate"], ["createsuperuser", "--noinput", "--username", "browser"]]) {
    const run = spawnSync(demoBin, args, { env, encoding: "utf8" });
    assert.equal(run.status, 0, `${args.join(" ")}: ${run.stderr}`);
  }
  await page.goto(`${server.base}/users/`);
  assert.equal(new URL(page.url()).pathname, "/users/login");
  assert.equal(new URL(page.url()).searchParams.get("next"), "/users/");
  await page.fill("input[name=username]", "browser");
  await page.fill("input[name=password]", "wrong");
  await page.click("input[type=submit]");
  assert.match(await page.locator("main").textContent(), /Please enter a correct username and password/);
  assert.equal(await page.inputValue("input[name=username]"), "browser");
  await page.fill("input[name=password]", "browser-pass-123");
  await page.click("input[type=submit]");
  await page.waitForURL(`${server.base}/users/`);
  assert.equal((await page.locator("h1").textContent()).trim(), "Welcome, browser");
  await page.click("input[value='Log Out']");
  await page.waitForURL(`${server.base}/users/login`);
  assert.equal((await page.locator(".success").textContent()).trim(), "Logged out.");
  await page.reload();
  assert.equal(await page.locator(".success").count(), 0);
});

test("the greeting and the 404 page", async () => {
  await page.goto(`${server.base}/hello/brian`);
  assert.equal((await page.locator("h1").textContent()).trim(), "Hello, Brian!");
  const response = await page.goto(`${server.base}/no/such/page`);
  assert.equal(response.status(), 404);
  assert.match(await page.title(), /Page not found at \/no\/such\/page/);
});

test("a task with a file: uploaded through the form, listed, and served", async () => {
  await page.goto(`${server.base}/tasks/files`);
  assert.equal(await page.getAttribute("form", "enctype"), "multipart/form-data");
  await page.fill("#id_task", "Read the notes");
  await page.setInputFiles("#id_attachment", {
    name: "lecture 3.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("SQL, Models and Migrations\n"),
  });
  await page.click("input[type=submit]");
  await page.waitForURL(`${server.base}/tasks/files`);
  const link = page.locator("main li a");
  assert.equal((await link.textContent()).trim(), "/media/attachments/lecture_3.txt");
  const response = await page.goto(`${server.base}/media/attachments/lecture_3.txt`);
  assert.equal(response.status(), 200);
  assert.equal(await response.text(), "SQL, Models and Migrations\n");
});

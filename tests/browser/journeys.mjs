// The console's journeys in Debian's Chromium, driven headless by playwright-core: the first
// admin signs in and makes a staff and an auditor account; staff import a CSV with rejects,
// review them and commit; create a campaign; write week 1 in French and Bambara and watch the
// counter change encoding (and agree with the daemon on the shared vectors); preview; send
// through the loopback fake gateway (run-once); read the chart and the deliveries. An auditor
// downloads the CSV, verifies the audit log, finds no way to change anything, and a forged
// request answers 403. Every page: no request leaves the console's origin, no console error,
// the page-weight budget (first page 100 KB, later ones 30 KB, compressed), and an axe-core
// scan without serious violations. Screenshots of three pages go to $KIBARU_SCREENSHOTS.
//
// Usage: node journeys.mjs   (environment: KIBARU_BIN, FAKE_GATEWAY, KIBARU_SOURCE_DIR,
//                             optional CHROMIUM=/usr/bin/chromium, KIBARU_SCREENSHOTS=dir)
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const kibaru = process.env.KIBARU_BIN;
const fakeGateway = process.env.FAKE_GATEWAY;
const source = process.env.KIBARU_SOURCE_DIR;
const shots = process.env.KIBARU_SCREENSHOTS || "";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kibaru-browser-"));
const failures = [];
const children = [];

// A refused form answers 422 on purpose (a page that names nothing, 404), and Chromium logs
// that as a console error: the one error each refusal a journey asks for is not counted
// against the page.
function forgiveRefusal(who, status = 422) {
  const refusal = who.errors.findIndex((e) => e.includes("status of " + status));
  if (refusal >= 0) who.errors.splice(refusal, 1);
}

function check(ok, what) {
  if (ok) {
    console.log("ok: " + what);
  } else {
    console.log("FAIL: " + what);
    failures.push(what);
  }
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = server.address().port;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(predicate, seconds, what) {
  for (let i = 0; i < seconds * 10; i++) {
    try {
      if (await predicate()) return;
    } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting for " + what);
}

function k(args, input) {
  return execFileSync(kibaru, ["--config", "k.toml", "--db", "k.db", ...args],
                      { cwd: work, input, env: { ...process.env, KIBARU_CONFIG: "" } }).toString();
}

const passwords = { admin: "admin-pass-2019", awa: "staff-pass-2019", fatou: "auditor-pass-2019" };

async function main() {
  const gatewayPort = await freePort();
  const consolePort = await freePort();
  const callbackPort = await freePort();
  const base = `http://127.0.0.1:${consolePort}`;
  const gatewayRecord = path.join(work, "gateway.txt");
  children.push(spawn(fakeGateway, ["--port", String(gatewayPort), "--max-seconds", "600",
                                    "--record", gatewayRecord], { stdio: "ignore" }));
  fs.writeFileSync(path.join(work, "k.toml"), `[gateway]
url = "http://127.0.0.1:${gatewayPort}/ok/cgi-bin/sendsms"
rate_per_second = 0
[server]
listen = "127.0.0.1:${callbackPort}"
public_url = "http://127.0.0.1:${callbackPort}"
[console]
enabled = false   # the daemon of step 7 leaves the console to \`kibaru console\`
listen = "127.0.0.1:${consolePort}"
public_url = "${base}"
[log]
file = "kibaru.log"
`);
  k(["users", "add", "admin", "--role", "admin", "--password-stdin"], passwords.admin + "\n");
  const console_ = spawn(kibaru, ["--config", "k.toml", "--db", "k.db", "--now",
                                  "2019-01-08T09:00:00Z", "console"],
                         { cwd: work, stdio: "ignore", env: { ...process.env, KIBARU_CONFIG: "" } });
  children.push(console_);
  await waitFor(async () => (await fetch(base + "/login")).status === 200, 20, "the console");

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const vectors = JSON.parse(fs.readFileSync(path.join(source, "tests/vectors/sms.json"), "utf8"));

  // A browser profile of its own for each person, watching every page it loads.
  async function person(name) {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const state = { name, foreign: [], errors: [], bytes: 0, pages: 0 };
    page.on("request", (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith("data:")) state.foreign.push(r.url());
    });
    page.on("console", (m) => { if (m.type() === "error") state.errors.push(m.text()); });
    page.on("pageerror", (e) => state.errors.push(String(e)));
    page.on("requestfinished", async (r) => {
      try {
        const sizes = await r.sizes();
        state.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
      } catch (e) { /* a download */ }
    });
    // Loads `url` (or runs `act`, which navigates), then weighs, scans and returns the page.
    state.visit = async (act, budget, label) => {
      state.bytes = 0;
      await act();
      await page.waitForLoadState("networkidle");
      await new Promise((r) => setTimeout(r, 150)); // late requestfinished events
      state.pages++;
      check(state.bytes <= budget,
            `${name}: ${label} weighs ${state.bytes} bytes compressed (budget ${budget})`);
      await page.evaluate(axeSource);
      const result = await page.evaluate(async () =>
        await window.axe.run(document, { resultTypes: ["violations"] }));
      const serious = result.violations.filter((v) => v.impact === "serious" ||
                                                      v.impact === "critical");
      check(serious.length === 0, `${name}: ${label} has no serious accessibility violation` +
            (serious.length ? ": " + serious.map((v) => v.id + " " +
              v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ") : ""));
    };
    state.page = page;
    state.context = context;
    return state;
  }

  async function signIn(who) {
    const p = who.page;
    await who.visit(() => p.goto(base + "/"), 100 * 1024, "the sign-in page (first page)");
    check(p.url().startsWith(base + "/login"), `${who.name}: an anonymous visit lands on sign-in`);
    await p.fill("#f-name", who.name);
    await p.fill("#f-password", passwords[who.name]);
    await who.visit(() => p.click("button[type=submit]:has-text('Se connecter')"), 30 * 1024,
                    "the overview");
    check(await p.locator("h1").innerText() === "Vue d'ensemble",
          `${who.name}: signed in, the overview in French`);
  }

  // 1. The first admin (made with `kibaru users add`) signs in and makes two accounts.
  const admin = await person("admin");
  await signIn(admin);
  await admin.visit(() => admin.page.goto(base + "/users"), 30 * 1024, "the users page");
  for (const [name, role] of [["awa", "staff"], ["fatou", "auditor"]]) {
    await admin.page.fill("#f-name", name);
    await admin.page.selectOption("#f-role", role);
    await admin.page.fill("#f-password", passwords[name]);
    await admin.visit(() => admin.page.click("button:has-text('Ajouter un utilisateur')"),
                      30 * 1024, "the users page after adding " + name);
  }
  check((await admin.page.locator("table").first().innerText()).includes("awa"),
        "admin: the staff account is listed");
  // A password too short: refused, said in French.
  await admin.page.fill("#f-name", "bina");
  await admin.page.fill("#f-password", "court");
  await admin.visit(() => admin.page.click("button:has-text('Ajouter un utilisateur')"),
                    30 * 1024, "the users page after a refused account");
  check((await admin.page.locator("main").innerText()).includes(
          "le mot de passe doit avoir au moins 10 caractères"),
        "admin: a refused account says why in French");
  forgiveRefusal(admin);

  // 2. Staff import a CSV with rejects: review first, then commit.
  const staff = await person("awa");
  await signIn(staff);
  const p = staff.page;
  const csv = path.join(work, "producers.csv");
  fs.writeFileSync(csv, "phone,name,organisation,region,commodities,language\n" +
    "76 00 00 01,Awa Traoré,Jiguiya,Dioila,sesame,bm\n" +
    "76 00 00 02,Moussa Keita,COOPROSEM,Kita,sesame,fr\n" +
    "not a phone,Nobody,,Kita,sesame,fr\n" +
    "76 00 00 03,Fanta Diarra,Union Nietaa,Kita,sesame,fr\n" +
    "76 00 00 04,Seydou Coulibaly,Jiguiya,Dioila,sesame,xx\n" +
    "76 00 00 05,Mariam Koné,ULPC,Dioila,sesame;rice,bm\n" +
    "76 00 00 06,Oumou Sangaré,ULPC,Kita,sesame,fr,en trop\n");
  // First the file as Excel's "Texte Unicode" saves it (UTF-16): refused as a whole, said in
  // French with what to save it as instead.
  const utf16 = path.join(work, "producteurs.txt");
  fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xFF, 0xFE]),
                                         Buffer.from("phone\tname\r\n", "utf16le")]));
  await staff.visit(() => p.goto(base + "/contacts/import"), 30 * 1024, "the import form");
  await p.setInputFiles("#f-file", utf16);
  await staff.visit(() => p.click("button:has-text('Vérifier le fichier')"), 30 * 1024,
                    "the import review of a UTF-16 file");
  check((await p.locator("main").innerText()).includes(
          "producteurs.txt : ce fichier est du texte UTF-16 (« Texte Unicode » d'Excel) : " +
          "enregistrez-le depuis Excel en « CSV UTF-8 »"),
        "staff: a file that cannot be read as a table says why in French: " +
          await p.locator("main").innerText());
  forgiveRefusal(staff);
  await staff.visit(() => p.goto(base + "/contacts/import"), 30 * 1024, "the import form");
  await p.setInputFiles("#f-file", csv);
  await staff.visit(() => p.click("button:has-text('Vérifier le fichier')"), 30 * 1024,
                    "the import review");
  const review = await p.locator("main").innerText();
  check(review.includes("3 refusés") && review.includes("4 nouveaux"),
        "staff: the review counts 4 new and 3 rejected before anything is written");
  check(review.includes("language") && /\b4\b/.test(review), "staff: each reject names its line and field");
  check(review.includes("« xx » n'est pas une langue configurée (fr, bm)") &&
        review.includes("« not a phone » contient des caractères qui ne font pas partie") &&
        review.includes("colonne 7"),
        "staff: each reject says why in French, and names a column without a name by number");
  const rejects = await p.request.get(p.url() + "/rejects.csv");
  check((await rejects.text()).trim().split("\n").length === 4,
        "staff: the rejects download holds the 3 rejected rows");
  check(k(["contacts", "list", "--format", "csv"]).trim().split("\n").length === 1,
        "nothing is imported by the review");
  await staff.visit(() => p.click("button:has-text('Importer les lignes valides')"), 30 * 1024,
                    "the contacts after the import");
  const imported = await p.locator("table").innerText();
  check(imported.includes("+22376000005"), "staff: the contacts are imported");
  check(imported.includes("sesame, rice") && !imported.includes("sesame;rice"),
        "staff: a contact's commodities read as a list, not as stored");

  // 3. A campaign: create it, see its 21 weeks.
  await staff.visit(() => p.goto(base + "/campaigns"), 30 * 1024, "the campaigns page");
  await p.fill("#f-name", "Sésame 2019");
  // The commodity as staff would first write it, and a slip in the time zone: both refused,
  // each said why in French beside its field.
  await p.fill("#f-commodity", "Sésame");
  await p.fill("#f-start", "2019-01-07");
  await p.fill("#f-timezone", "Africa/Bamakoo");
  await staff.visit(() => p.click("button:has-text('Créer la campagne')"), 30 * 1024,
                    "the campaign form refused");
  check((await p.locator("#e-commodity").innerText()).includes(
          "Filière : « Sésame » n'est pas un nom de filière"),
        "staff: a refused campaign says in French what the field needs: " +
          await p.locator("main").innerText());
  check((await p.locator("#e-timezone").innerText()).includes(
          "Fuseau horaire : « Africa/Bamakoo » n'est pas un fuseau horaire connu"),
        "staff: a second field refused at once says its own reason in French");
  forgiveRefusal(staff);
  await p.fill("#f-commodity", "sesame");
  await p.fill("#f-timezone", "Africa/Bamako");
  await p.fill("#f-start", "2019-01-07");
  const formId = await p.getAttribute("form[action='/campaigns'] input[name=form_id]", "value");
  const csrf = await p.getAttribute("form[action='/campaigns'] input[name=csrf_token]", "value");
  await staff.visit(() => p.click("button:has-text('Créer la campagne')"), 30 * 1024,
                    "the new campaign");
  check(await p.locator("table tbody tr").count() === 21, "staff: the campaign shows 21 weeks");
  const campaignUrl = p.url();
  // The same form sent again (a double click on a slow link) leads to the same campaign.
  const again = await p.request.post(base + "/campaigns", { headers: { Origin: base },
    form: { csrf_token: csrf, form_id: formId, name: "Sésame 2019", commodity: "sesame",
            start: "2019-01-07" } });
  check(again.url() === campaignUrl, "staff: a double submit leads to the same campaign");
  check(k(["campaign", "list", "--format", "csv"]).trim().split("\n").length === 2,
        "staff: a double submit makes one campaign");
  await staff.visit(() => p.goto(base + "/campaigns/9999"), 30 * 1024, "a campaign that is not");
  check((await p.locator("main").innerText()).includes("aucune campagne n'a le numéro 9999"),
        "staff: a campaign that does not exist is said so in French");
  forgiveRefusal(staff, 404);

  // 4. Week 1 in French and Bambara; the counter changes encoding as the text does. Each
  //    language is its own form: one is written and saved, then the other.
  await staff.visit(() => p.goto(campaignUrl + "/weeks/1"), 30 * 1024, "the week 1 editor");
  // A placeholder the daemon does not know: refused, said in French, the text kept as typed.
  await p.fill("#f-text-fr", "{name}: sésame {prix} FCFA/kg à Kita.");
  await staff.visit(() => p.click("button:has-text('Enregistrer (fr)')"), 30 * 1024,
                    "the editor after a refused message");
  check((await p.locator("main").innerText()).includes("champ inconnu {prix}") &&
        (await p.inputValue("#f-text-fr")).includes("{prix}"),
        "editor: a refused message says why in French and keeps the text");
  forgiveRefusal(staff);
  await p.fill("#f-text-fr", "{name}: sésame S{week} 650 FCFA/kg à Kita. Vendez groupé.");
  check(await p.getAttribute("#c-fr", "data-encoding") === "gsm7", "editor: French is GSM-7");
  await staff.visit(() => p.click("button:has-text('Enregistrer (fr)')"), 30 * 1024,
                    "the editor after saving French");
  check((await p.locator("main").innerText()).includes("Message enregistré"),
        "editor: the French message is saved");
  await p.fill("#f-text-bm", "{name}: bɛnɛ sɔngɔ S{week} 650 FCFA/kg Kita.");
  check(await p.getAttribute("#c-bm", "data-encoding") === "ucs2",
        "editor: Bambara's ɛ and ɔ make it UCS-2");
  check((await p.locator("#c-bm-missing").innerText()).includes("ɛ"),
        "editor: the characters that force UCS-2 are shown");
  const disagreed = await p.evaluate((all) => all.filter((v) => {
    const m = window.kibaruSms.measure(v.text, v.mode);
    return !(m.text === v.sent && m.encoding === v.encoding && m.units === v.units &&
             m.segments === v.segments);
  }).map((v) => v.name), vectors);
  check(disagreed.length === 0, "editor: the counter agrees with the daemon on every shared " +
        "vector" + (disagreed.length ? ": " + disagreed.join(", ") : ""));
  if (shots) await p.screenshot({ path: path.join(shots, "editor.png"), fullPage: true });
  await p.click("#c-bm-missing button >> nth=0");
  await p.click("#c-bm-missing button >> nth=0");
  check(await p.getAttribute("#c-bm", "data-encoding") === "gsm7",
        "editor: with the replacements offered, Bambara fits GSM-7");
  await staff.visit(() => p.click("button:has-text('Enregistrer (bm)')"), 30 * 1024,
                    "the editor after saving Bambara");
  check((await p.locator("main").innerText()).includes("Tel que reçu"),
        "editor: the preview shows the texts as received");
  // A test send to a staff phone: a wrong number is refused in place, keeping what was typed;
  // a right one reaches the gateway, and is no delivery of the campaign.
  await p.fill("#f-phone", "12 34");
  await p.selectOption("#f-test_language", "bm");
  await staff.visit(() => p.click("button:has-text(\"Envoyer l'essai\")"), 30 * 1024,
                    "the editor after a refused test send");
  const phoneRefusal = await p.locator("#e-phone").innerText();
  check(await p.inputValue("#f-phone") === "12 34" && phoneRefusal.includes("Téléphone") &&
        phoneRefusal.includes("« 12 34 » a 4 chiffres après +223"),
        "editor: a wrong test phone is refused in French, named, and kept as typed: " +
          phoneRefusal);
  forgiveRefusal(staff);
  await p.fill("#f-phone", "76 99 99 99");
  await staff.visit(() => p.click("button:has-text(\"Envoyer l'essai\")"), 30 * 1024,
                    "the editor after a test send");
  check((await p.locator("main").innerText()).includes("SMS d'essai accepté"),
        "editor: the test SMS is accepted by the gateway");
  check(fs.readFileSync(gatewayRecord, "utf8").includes("+22376999999"),
        "editor: the test SMS reached the gateway");
  // Fill from a template refused, said in French beside the template field, nothing saved.
  const refusedTemplate = async (template, label) => {
    fs.writeFileSync(path.join(work, "prix.txt"), template);
    fs.writeFileSync(path.join(work, "prix.csv"), "semaine;cours\n1;650\n");
    await p.setInputFiles("#f-template", path.join(work, "prix.txt"));
    await p.setInputFiles("#f-data", path.join(work, "prix.csv"));
    await staff.visit(() => p.click("button:has-text('Remplir et enregistrer')"), 30 * 1024,
                      "the editor after " + label);
    forgiveRefusal(staff);
    return p.locator("#e-template").innerText();
  };
  const unknownValue = await refusedTemplate("Sésame {prix} FCFA/kg", "a refused template");
  check(unknownValue.includes("prix.txt : champ inconnu {prix}") &&
        unknownValue.includes("ni une colonne de prix.csv (week, cours)"),
        "editor: a template naming a value its table lacks is refused in French: " + unknownValue);
  const brokenSyntax = await refusedTemplate("Sésame {prix FCFA/kg", "a broken placeholder");
  check(brokenSyntax.includes("prix.txt : un champ mal écrit au caractère"),
        "editor: a template's broken placeholder is refused in French with its file: " +
          brokenSyntax);
  k(["--now", "2019-01-08T09:00:00Z", "run-once"]);

  // 4b. The week's market prices, imported from the browser as French Excel saves them (`;`,
  //     French headers, DD/MM/YYYY): the valid rows in, a refused row named in French, the
  //     prices listed; they answer a producer's PRIX in step 7.
  const priceFile = path.join(work, "prix-semaine.csv");
  fs.writeFileSync(priceFile, "Date;Produit;Marché;Prix min;Prix max;Tendance\r\n" +
    "05/01/2019;Sésame;Kita;600;650;up\r\n" +
    "05/01/2019;Sésame;San;1,250;1300;\r\n");
  await staff.visit(() => p.goto(base + "/prices"), 30 * 1024, "the prices page");
  check((await p.locator("main").innerText()).includes("Aucun prix."), "prices: none yet");
  await p.setInputFiles("#f-file", priceFile);
  await staff.visit(() => p.click("button:has-text('Importer')"), 30 * 1024,
                    "the prices after an import");
  const pricesText = await p.locator("main").innerText();
  check(pricesText.includes("prix-semaine.csv — prix ajoutés : 1 ; remplacés : 0 ; lignes refusées : 1") &&
        pricesText.includes("« 1,250 » n'est pas un prix (écrivez 1250 ou 1250,5"),
        "prices: the import counts its rows and says in French why one was refused: " +
          pricesText);
  check(/05\/01\/2019\s+sesame\s+Kita\s+600 – 650 FCFA\/kg\s+hausse/.test(pricesText),
        "prices: the imported price is listed, the French way");
  check(k(["prices", "list", "--format", "csv"]).includes("2019-01-05,sesame,Kita,600,650"),
        "prices: the CLI lists what the console imported");

  // 5. The report: a chart and the deliveries.
  await staff.visit(() => p.goto(campaignUrl + "/report"), 30 * 1024, "the report");
  check(await p.locator("svg.chart rect").count() > 1, "report: the chart draws the weeks");
  check((await p.locator("table").innerText()).includes("4"), "report: week 1 targeted 4");
  if (shots) await p.screenshot({ path: path.join(shots, "report.png"), fullPage: true });
  await staff.visit(() => p.goto(campaignUrl + "/deliveries"), 30 * 1024, "the deliveries");
  check(await p.locator("table tbody tr").count() === 4, "deliveries: one row per SMS");
  await staff.visit(() => p.goto(base + "/"), 30 * 1024, "the overview after sending");
  check((await p.locator("main").innerText()).includes("Semaine 1 / 21"),
        "overview: the running week's progress");
  if (shots) await p.screenshot({ path: path.join(shots, "overview.png"), fullPage: true });
  await staff.visit(() => p.click("button:has-text('English')"), 30 * 1024, "the overview in English");
  check(await p.getAttribute("html", "lang") === "en" &&
        await p.locator("h1").innerText() === "Overview", "English is one click away");
  await staff.visit(() => p.goto(base + "/campaigns"), 30 * 1024, "the campaigns in English");
  check(await p.getAttribute("html", "lang") === "en", "the language is remembered");

  // 6. The auditor reads, downloads, verifies, and can change nothing.
  const auditor = await person("fatou");
  await signIn(auditor);
  const a = auditor.page;
  await auditor.visit(() => a.goto(campaignUrl + "/report"), 30 * 1024, "the report (auditor)");
  const download = await a.request.get(base + "/api/v1/deliveries?campaign=1&format=csv");
  check(download.status() === 200 && (await download.text()).trim().split("\n").length === 5,
        "auditor: the deliveries CSV downloads with its 4 rows");
  // A phone in the deliveries' filter that is no number: said why in French beside the field.
  await auditor.visit(() => a.goto(campaignUrl + "/deliveries?phone=76x"), 30 * 1024,
                      "the deliveries with a wrong phone");
  check((await a.locator("main").innerText()).includes(
          "Téléphone : « 76x » contient des caractères qui ne font pas partie d'un numéro"),
        "auditor: a phone filter that is no number says why in French: " +
          await a.locator("main").innerText());
  forgiveRefusal(auditor);
  await auditor.visit(() => a.goto(base + "/audit"), 30 * 1024, "the audit page");
  await auditor.visit(() => a.click("button:has-text('Vérifier le journal')"), 30 * 1024,
                      "the audit verdict");
  check((await a.locator("main").innerText()).includes("journal intact"),
        "auditor: the audit log verifies, in words");
  check((await a.locator("main").innerText()).includes("Points de contrôle envoyés aux témoins"),
        "auditor: the audit page has the list of checkpoints texted to the witnesses");
  await auditor.visit(() => a.goto(base + "/prices"), 30 * 1024, "the prices (auditor)");
  check((await a.locator("table").innerText()).includes("Kita") &&
        await a.locator("form[enctype='multipart/form-data']").count() === 0,
        "auditor: the prices, and no form to import them");
  await auditor.visit(() => a.goto(base + "/campaigns"), 30 * 1024, "the campaigns (auditor)");
  check(await a.locator("form[action='/campaigns']").count() === 0,
        "auditor: no form to create a campaign");
  await auditor.visit(() => a.goto(campaignUrl), 30 * 1024, "the campaign (auditor)");
  check(await a.locator("a[href$='/confirm/pause']").count() === 0, "auditor: no pause button");
  await auditor.visit(() => a.goto(base + "/contacts/+22376000001"), 30 * 1024, "a contact (auditor)");
  check(await a.locator("form[action$='/optout']").count() === 0, "auditor: no opt-out button");
  const forged = await a.request.post(campaignUrl + "/pause", { form: {},
                                      headers: { Origin: base } });
  check(forged.status() === 403, "auditor: a forged pause answers 403");
  const forgedStaff = await p.request.post(campaignUrl + "/pause", { form: {},
                                           headers: { Origin: base } });
  check(forgedStaff.status() === 403, "staff: a pause without the CSRF token answers 403");
  check(k(["campaign", "show", "1", "--format", "json"]).includes('"status": "active"'),
        "the campaign is still active");

  // 7. Two-way SMS: the daemon receives a producer's question and a stranger's message; staff
  //    read them in the inbox and answer the stranger by hand; the daemon sends the reply.
  const token = "journey-callback-token";
  const daemon = spawn(kibaru, ["--config", "k.toml", "--db", "k.db", "--now",
                                "2019-01-08T09:00:00Z", "daemon"],
                       { cwd: work, stdio: "ignore",
                         env: { ...process.env, KIBARU_CONFIG: "", KIBARU_CALLBACK_TOKEN: token } });
  children.push(daemon);
  const callbacks = `http://127.0.0.1:${callbackPort}`;
  await waitFor(async () => (await fetch(callbacks + "/healthz")).status === 200, 20, "the daemon");
  for (const [from, text] of [["+22376000001", "prix sesame kita"], ["+22376999999", "bonjour"]]) {
    const answer = await fetch(`${callbacks}/inbound/generic?token=${token}`, {
      method: "POST", body: new URLSearchParams({ from, text }) });
    check(answer.status === 200, `inbound "${text}" is taken`);
  }
  await staff.visit(() => p.goto(base + "/inbox"), 30 * 1024, "the inbox");
  const inboxText = await p.locator("main").innerText();
  check(inboxText.includes("prix sesame kita") && inboxText.includes("price") &&
        inboxText.includes("automatic reply"),
        "inbox: the question, what it matched and its automatic answer");
  check(inboxText.includes("Kita 05/01: 600-650 F/kg (hausse)"),
        "inbox: the answer gives the price staff imported on the prices page: " + inboxText);
  const form = "form[action='/inbox/2/reply']";
  check(await p.locator(form).count() === 1, "inbox: the stranger's message waits for a reply");
  await p.fill(form + " input[type=text]", "Bonjour, Kibaru donne les prix du sesame.");
  await staff.visit(() => p.click(form + " button"), 30 * 1024, "the inbox after a reply");
  check((await p.locator("table").innerText()).includes("by awa"),
        "inbox: the reply is recorded with who wrote it");
  const replied = () => fs.existsSync(gatewayRecord) &&
    fs.readFileSync(gatewayRecord, "utf8").includes("r2 +22376999999");
  await waitFor(async () => replied(), 20, "the reply at the gateway").catch(() => {});
  check(replied(), "inbox: the daemon sent the reply through the gateway");
  daemon.kill("SIGTERM");

  for (const who of [admin, staff, auditor]) {
    check(who.foreign.length === 0, `${who.name}: no request left the console's origin` +
          (who.foreign.length ? ": " + who.foreign.join(", ") : ""));
    check(who.errors.length === 0, `${who.name}: no console error` +
          (who.errors.length ? ": " + who.errors.join(" | ") : ""));
  }
  await browser.close();
}

main().catch((e) => {
  console.log("FAIL: " + (e.stack || e));
  failures.push(String(e));
}).finally(() => {
  for (const c of children) c.kill("SIGTERM");
  if (failures.length) {
    try {
      console.log("--- kibaru.log\n" + fs.readFileSync(path.join(work, "kibaru.log"), "utf8")
        .split("\n").slice(-30).join("\n"));
    } catch (e) { /* none */ }
  }
  fs.rmSync(work, { recursive: true, force: true });
  console.log(failures.length ? `${failures.length} failed` : "all journeys passed");
  process.exit(failures.length ? 1 : 0);
});

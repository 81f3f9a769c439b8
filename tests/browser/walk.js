// Walks signup → verify → logout → login → change password → reset → profile picture → two-factor
// set-up and a login with its code → email change, then signup → verify → login in Persian, in
// headless Chromium.
const { chromium } = require('playwright-core');
const fs = require('fs');
const { execFileSync } = require('child_process');
// A TOTP code from pyotp (an implementation that is not ours), for this 30 s step.
const totp = (secret) => execFileSync('/usr/bin/python3', ['-c', 'import pyotp, sys; print(pyotp.TOTP(sys.argv[1]).now())', secret]).toString().trim();
const sleep = (ms) => new Promise(r => setTimeout(r, ms));
const base = process.env.BASE, mailDir = process.env.MAILDIR;
// The newest mail after the first `after` that matches `pattern` (a notice of an earlier step may
// still arrive while the step's own mail is awaited).
const newestMail = (after, pattern = /./) => {
  for (let i = 0; i < 100; i++) {
    const files = fs.readdirSync(mailDir).filter(f => f.endsWith('.eml')).sort().slice(after);
    const texts = files.map(f => fs.readFileSync(mailDir + '/' + f, 'utf8')).filter(t => pattern.test(t));
    if (texts.length) return texts[texts.length - 1];
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error('no mail matching ' + pattern);
};
const mailCount = () => fs.readdirSync(mailDir).filter(f => f.endsWith('.eml')).length;
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  const seen = [];
  const note = async (step) => {
    const flash = await page.locator('.flash').allTextContents();
    seen.push(`${step}: "${await page.title()}" ${new URL(page.url()).pathname}${flash.length ? ' [' + flash.join(' | ') + ']' : ''}`);
  };
  const email = 'walker@example.org';
  await page.goto(base + '/accounts/signup/'); await note('signup form');
  await page.fill('#id_email', email); await page.fill('#id_name', 'Walker <b>');
  await page.fill('#id_password1', 'Walk1ng-Secret'); await page.fill('#id_password2', 'Walk1ng-Secret');
  let n = mailCount();
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]); await note('after signup');
  const code = newestMail(n).match(/\b(\d{6})\b/)[1];
  await page.fill('#id_code', code);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Verify")')]); await note('after verify');
  await page.fill('#id_email', email); await page.fill('#id_password', 'Walk1ng-Secret');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log in")')]); await note('after login');
  await page.screenshot({ path: process.env.OUT + '/profile.png', fullPage: true });
  await page.goto(base + '/accounts/logout/'); await note('logout confirm');
  await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Log out")')]); await note('after logout');
  await page.fill('#id_email', email); await page.fill('#id_password', 'Walk1ng-Secret');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log in")')]); await note('login again');
  await page.goto(base + '/accounts/password/change/'); await note('change form');
  await page.fill('#id_old_password', 'Walk1ng-Secret'); await page.fill('#id_new_password1', 'Chang3d-Secret'); await page.fill('#id_new_password2', 'Chang3d-Secret');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Change my password")')]); await note('after change');
  await page.goto(base + '/accounts/logout/');
  await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Log out")')]); await note('logged out');
  await page.goto(base + '/accounts/password/reset/'); await note('reset form');
  n = mailCount();
  await page.fill('#id_email', email);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send me a link")')]); await note('reset requested');
  const resetLink = /https:\/\/localhost:\d+(\/accounts\/password\/reset\/[^\/\s]+\/)/;
  const link = newestMail(n, resetLink).match(resetLink)[1];
  await page.goto(base + link); await note('reset link');
  await page.fill('#id_new_password1', 'R3set-Secret!'); await page.fill('#id_new_password2', 'R3set-Secret!');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Set my password")')]); await note('after reset');
  await page.fill('#id_email', email); await page.fill('#id_password', 'R3set-Secret!');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log in")')]); await note('login with reset password');
  await page.goto(base + '/accounts/devices/'); await note('devices');
  await page.screenshot({ path: process.env.OUT + '/devices.png', fullPage: true });

  // A profile picture: a JPEG made by libvips' own command, uploaded, then served re-encoded by nginx.
  const picture = process.env.OUT + '/walk-picture.jpg';
  execFileSync('vips', ['gaussnoise', picture, '900', '600']);
  await page.goto(base + '/accounts/profile/');
  await page.setInputFiles('#id_image', picture);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]); await note('picture uploaded');
  const src = await page.locator('img.profile-image').getAttribute('src');
  const served = await page.request.get(base + src);
  seen.push(`picture: ${src} ${served.status()} ${served.headers()['content-type']} nosniff=${served.headers()['x-content-type-options']}`);

  // The second factor: set up with the key the page shows, then a login that asks for a code.
  await page.goto(base + '/accounts/2fa/'); await note('2fa');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Set up an authenticator app")')]); await note('2fa set-up');
  await page.screenshot({ path: process.env.OUT + '/2fa-setup.png', fullPage: true });
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  await page.fill('#id_code', totp(secret));
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Turn on")')]); await note('2fa on');
  seen.push(`recovery codes shown: ${await page.locator('.recovery-codes li').count()}`);
  await page.goto(base + '/accounts/logout/');
  await Promise.all([page.waitForNavigation(), page.click('main button:has-text("Log out")')]); await note('logged out');
  await sleep((31 - (Date.now() / 1000) % 30) * 1000);  // the next 30 s step: a code is good once only
  await page.fill('#id_email', email); await page.fill('#id_password', 'R3set-Secret!');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log in")')]); await note('password given');
  await page.fill('#id_code', totp(secret));
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Verify")')]); await note('login with the code');

  // An email change: the new address gets a code, the change waits for it.
  await page.goto(base + '/accounts/email/'); await note('email change form');
  n = mailCount();
  await page.fill('#id_email', 'walker2@example.org');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send the confirmation")')]); await note('email change asked');
  const emailCode = newestMail(n).match(/\b(\d{6})\b/)[1];
  await page.fill('#id_code', emailCode);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Confirm")')]); await note('email changed');
  await page.goto(base + '/accounts/profile/'); await note('profile');
  seen.push(`profile shows the new address: ${(await page.content()).includes('walker2@example.org')}`);
  await page.screenshot({ path: process.env.OUT + '/profile-after.png', fullPage: true });

  // In Persian (Accept-Language: fa from the browser's locale): signup, the code typed in Persian
  // digits, login; screenshots of the right-to-left login, profile, devices and two-factor pages.
  const fa = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: 'fa-IR' })).newPage();
  const noteFa = async (step) => {
    const flash = await fa.locator('.flash').allTextContents();
    seen.push(`fa ${step}: "${await fa.title()}" dir=${await fa.getAttribute('html', 'dir')}${flash.length ? ' [' + flash.join(' | ') + ']' : ''}`);
  };
  const faEmail = 'rahro@example.org';
  await fa.goto(base + '/accounts/signup/'); await noteFa('signup form');
  await fa.fill('#id_email', faEmail); await fa.fill('#id_name', 'رهرو');
  await fa.fill('#id_password1', 'Walk1ng-Secret'); await fa.fill('#id_password2', 'Walk1ng-Secret');
  n = mailCount();
  await Promise.all([fa.waitForNavigation(), fa.click('main button[type=submit]')]); await noteFa('after signup');
  const faMail = newestMail(n);
  // Persian mail's text part is base64 or quoted-printable: the code's own line, decoded.
  const part = faMail.match(/(Content-Type: text\/plain[\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n--/);
  const faText = /base64/i.test(part[1]) ? Buffer.from(part[2], 'base64').toString() : part[2];
  const faCode = faText.match(/^\s+(\d{6})\s*$/m);
  await fa.fill('#id_code', faCode[1].replace(/\d/g, d => '۰۱۲۳۴۵۶۷۸۹'[d]));
  await Promise.all([fa.waitForNavigation(), fa.click('main button[type=submit] >> nth=0')]); await noteFa('after verify (Persian digits)');
  await fa.screenshot({ path: process.env.OUT + '/fa-login.png', fullPage: true });
  await fa.fill('#id_email', faEmail); await fa.fill('#id_password', 'Walk1ng-Secret');
  await Promise.all([fa.waitForNavigation(), fa.click('main button[type=submit]')]); await noteFa('after login');
  await fa.screenshot({ path: process.env.OUT + '/fa-profile.png', fullPage: true });
  await fa.goto(base + '/accounts/devices/'); await noteFa('devices');
  await fa.screenshot({ path: process.env.OUT + '/fa-devices.png', fullPage: true });
  await fa.goto(base + '/accounts/2fa/'); await noteFa('two-factor');
  await fa.screenshot({ path: process.env.OUT + '/fa-2fa.png', fullPage: true });
  console.log(seen.join('\n'));
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });

// Walks signup → verify → logout → login → change password → reset in headless Chromium.
const { chromium } = require('playwright-core');
const fs = require('fs');
const base = process.env.BASE, mailDir = process.env.MAILDIR;
const newestMail = (after) => {
  for (let i = 0; i < 100; i++) {
    const files = fs.readdirSync(mailDir).filter(f => f.endsWith('.eml')).sort();
    if (files.length > after) return fs.readFileSync(mailDir + '/' + files[files.length - 1], 'utf8');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error('no mail');
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
  const link = newestMail(n).match(/https:\/\/localhost:\d+(\/accounts\/password\/reset\/[^\/\s]+\/)/)[1];
  await page.goto(base + link); await note('reset link');
  await page.fill('#id_new_password1', 'R3set-Secret!'); await page.fill('#id_new_password2', 'R3set-Secret!');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Set my password")')]); await note('after reset');
  await page.fill('#id_email', email); await page.fill('#id_password', 'R3set-Secret!');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log in")')]); await note('login with reset password');
  await page.goto(base + '/accounts/devices/'); await note('devices');
  await page.screenshot({ path: process.env.OUT + '/devices.png', fullPage: true });
  console.log(seen.join('\n'));
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });

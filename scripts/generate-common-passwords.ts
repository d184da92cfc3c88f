/**
 * Writes lib/server/auth/common-passwords.txt, one password a line: passwords of 12 characters or more
 * that people pick often, refused by `passwordSchema` (lib/features/accounts/user-schema.ts). Made offline from the patterns
 * that fill public breach lists (no download): popular words and names followed by digit runs,
 * years or symbols; words said twice; keyboard walks; digit runs; month or season plus year;
 * workplace words plus year. Lower case, because the check ignores case.
 *
 *   npx tsx scripts/generate-common-passwords.ts
 *
 * Deterministic: the same script always writes the same file. A data file, not a module, so that
 * no bundle carries the list: lib/server/auth/common-passwords.ts reads it when a password is set.
 */
import fs from "node:fs";
import path from "node:path";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../lib/core/password-policy";

const WORDS = [
  // the perennial top of breach lists
  "password", "passw0rd", "p@ssw0rd", "p@ssword", "pa55word", "pass", "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl",
  "zxcvbnm", "iloveyou", "iloveu", "letmein", "welcome", "monkey", "dragon", "master", "shadow", "sunshine", "princess",
  "trustno1", "whatever", "superman", "batman", "spiderman", "starwars", "pokemon", "football", "baseball", "basketball",
  "soccer", "hockey", "freedom", "computer", "internet", "charlie", "abc123", "admin", "administrator", "changeme",
  "secret", "hello", "helloworld", "login", "access", "flower", "cookie", "chocolate", "killer", "cheese", "banana",
  "orange", "purple", "silver", "golden", "diamond", "lovely", "loveme", "babygirl", "angel", "beautiful", "family",
  "blessed", "jesus", "jesuschrist", "heaven", "matrix", "mustang", "ferrari", "harley", "ranger", "tigger", "buster",
  "pepper", "ginger", "maggie", "summer", "winter", "spring", "autumn", "nothing", "anything", "something",
  "everything", "default", "guest", "test", "testing", "temp", "temporary", "newpassword", "mypassword",
  "yourpassword", "opensesame", "imissyou", "ihateyou", "fuckyou", "fuckoff", "whatsup", "qazwsx", "michael",
  "jennifer", "jordan", "jordan23", "hunter", "hunter2", "thomas", "robert", "daniel", "andrew", "joshua", "matthew",
  "jessica", "ashley", "amanda", "nicole", "michelle", "william", "george", "anthony", "elizabeth", "samantha",
  "liverpool", "arsenal", "chelsea", "manchester", "barcelona", "realmadrid", "juventus", "yankees", "cowboys",
  "steelers", "eagles", "lakers", "warriors", "samsung", "apple", "google", "microsoft", "facebook", "linkedin",
  "youtube", "america", "canada", "london", "berlin", "paris", "pakistan", "india", "unicorn", "rainbow",
  "butterfly", "sweetheart", "darkness", "midnight", "forever", "computer1", "qwerty1", "password1", "iloveyou1",
  // workplace words: hospital and clinic staff reuse these
  "hospital", "clinic", "nurse", "nursing", "doctor", "medical", "medicine", "patient", "patients", "health",
  "healthcare", "pharmacy", "surgery", "cardiology", "neurology", "emergency", "radiology", "company", "office",
  "welcome1", "support", "service", "security", "private", "system", "server", "database", "backup", "oracle",
  "crampclinic", "cramps", "legcramps", "restlesslegs",
];

const SUFFIXES = [
  "", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890", "!", "!!", "1!",
  "12!", "123!", "1234!", "12345!", "!@#", "!@#$", "@123", "#1", "#123", "01", "007", "69", "99", "00", "11", "22",
  "321", "4321", "54321", "111", "123123", "abc", "abc123", "qwerty",
];

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const SEASONS = ["spring", "summer", "autumn", "winter", "fall"];
const YEAR_SUFFIXES = ["", "!", "!!", "#", "@", "!@#", "123"];

const KEYBOARD_WALKS = [
  "qwertyuiop", "qwertyuiopasdfghjkl", "qwertyuiopasdfghjklzxcvbnm", "asdfghjklzxcvbnm", "poiuytrewq", "lkjhgfdsa",
  "mnbvcxz", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "1qaz2wsx3edc4rfv5tgb", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u8i",
  "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6", "q1w2e3r4t5y6u7i8", "qazwsxedcrfv", "qazwsxedcrfvtgb", "qazwsxedcrfvtgbyhn",
  "zaq12wsxcde3", "zaq12wsxcde34rfv", "zaq1xsw2cde3", "zaq1xsw2cde3vfr4", "!qaz@wsx#edc", "!qaz2wsx#edc", "1qaz@wsx3edc",
  "1qaz!qaz2wsx", "123qweasdzxc", "qweasdzxc123", "qweasdzxcqwe", "1234qwerasdf", "1234qwerasdfzxcv", "qwer1234asdf",
  "qwerasdfzxcv", "asdfqwerzxcv", "qwerty123456", "qwerty1234567", "qwerty123456789", "qwertyui1234", "qwertyuiop123",
  "qwertyuiop1234", "qwertyuiop12345", "123456qwerty", "1234567qwerty", "123456789qwerty", "1234567890qwerty",
  "1234567890qwertyuiop", "0987654321qwerty", "asdf1234asdf", "asdfasdfasdf", "asdfghjkl123", "asdfghjkl1234",
  "zxcvbnm12345", "zxcvbnm123456", "zxcvbnmasdfghjkl", "poiuytrewq12", "poiuytrewq123", "mnbvcxz12345",
  "abcdefghijkl", "abcdefghijklm", "abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz", "abcd1234abcd", "abcd1234efgh",
  "a1b2c3d4e5f6", "a1b2c3d4e5f6g7", "1a2b3c4d5e6f", "aaaaaaaaaaaa", "qqqqqqqqqqqq", "zzzzzzzzzzzz", "xxxxxxxxxxxx",
  "qwqwqwqwqwqw", "azertyuiop12", "azertyuiopqsdfghjklm", "qwertzuiop12", "qwertzuiopasdfghjkl",
  "correcthorsebatterystaple", "correct horse battery staple", "iloveyouiloveyou", "letmeinletmein",
];

const DIGIT_RUNS = [
  "123456789012", "1234567890123", "12345678901234", "123456789012345", "1234567890123456", "012345678901",
  "0123456789012", "098765432109", "987654321098", "9876543210987", "123123123123", "121212121212", "112233445566",
  "11223344556677", "123456654321", "1234554321", "123456789987654321", "147258369147", "159753159753",
  "789456123789", "741852963741", "102030405060", "123451234512", "123412341234", "111222333444", "123321123321",
  "147852369147", "147258369258", "963852741963", "246813579246", "135792468135", "20102010201020",
];

const out = new Set<string>();
const add = (p: string) => {
  const lower = p.toLowerCase();
  if (lower.length >= PASSWORD_MIN_LENGTH && lower.length <= PASSWORD_MAX_LENGTH) out.add(lower);
};

for (const w of WORDS) {
  for (const s of SUFFIXES) add(w + s);
  // Said twice, with and without digits.
  add(w + w);
  for (const s of ["1", "12", "123", "1234", "!"]) add(w + w + s);
  // Digits first.
  for (const p of ["1", "12", "123", "1234", "12345", "123456"]) add(p + w);
}
// Word plus a year (a birth year or the current one), for the words people most often pair with one.
const YEAR_WORDS = [
  "password", "passw0rd", "p@ssw0rd", "iloveyou", "welcome", "football", "baseball", "basketball", "princess", "sunshine",
  "superman", "spiderman", "starwars", "pokemon", "liverpool", "barcelona", "michael", "jennifer", "jessica", "changeme",
  "hospital", "clinic", "medical", "nurse", "doctor", "health", "healthcare", "company", "qwerty", "letmein", "admin",
  "secret", "monkey", "dragon", "master", "shadow", "freedom", "computer", "internet", "samsung",
];
const BIRTH_YEARS = Array.from({ length: 2011 - 1950 }, (_, i) => 1950 + i);
const RECENT_YEARS = Array.from({ length: 2031 - 2011 }, (_, i) => 2011 + i);
for (const w of YEAR_WORDS) {
  for (const y of BIRTH_YEARS) for (const s of ["", "!"]) add(`${w}${y}${s}`);
  for (const y of RECENT_YEARS) for (const s of ["", "!", "!!", "#", "@", "123"]) add(`${w}${y}${s}`);
}
const YEARS = [...BIRTH_YEARS.filter((y) => y >= 1990), ...RECENT_YEARS];
for (const m of MONTHS) for (const y of YEARS) for (const s of YEAR_SUFFIXES) add(`${m}${y}${s}`);
for (const season of SEASONS) {
  for (const y of YEARS) {
    for (const s of YEAR_SUFFIXES) add(`${season}${y}${s}`);
    add(`${season}${y}${season}`);
    add(`${season}${String(y).slice(2)}${season}`);
  }
}
for (const walk of KEYBOARD_WALKS) {
  add(walk);
  for (const s of ["1", "12", "123", "!", "!@#"]) add(walk + s);
}
for (const run of DIGIT_RUNS) add(run);
// One digit repeated, and runs up and down from each digit, 12 to 16 long.
for (let len = PASSWORD_MIN_LENGTH; len <= 16; len++) {
  for (let d = 0; d <= 9; d++) {
    add(String(d).repeat(len));
    add(Array.from({ length: len }, (_, i) => (d + i) % 10).join(""));
    add(Array.from({ length: len }, (_, i) => (d - i + 100) % 10).join(""));
  }
}

const list = [...out].sort();
const target = path.join("lib", "server", "auth", "common-passwords.txt");
fs.writeFileSync(target, list.map((p) => `${p}\n`).join(""));
console.log(`Wrote ${list.length} passwords to ${target}`);

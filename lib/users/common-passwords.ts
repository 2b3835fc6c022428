// A small bundled list of the most common passwords (from public breach-corpus top lists), all
// lower case. A new password equal to one of these, ignoring case, is refused (R4).
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "123456", "123456789", "12345678", "1234567890", "12345", "1234567", "password", "password1", "password12",
  "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword", "qwerty", "qwerty123", "qwertyuiop",
  "qwerty12345", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "abc123", "abcd1234", "111111", "000000",
  "123123", "123321", "654321", "666666", "121212", "112233", "987654321", "11111111", "00000000", "88888888",
  "iloveyou", "iloveyou1", "admin", "admin123", "administrator", "welcome", "welcome1", "welcome123",
  "letmein", "letmein123", "monkey", "dragon", "football", "baseball", "sunshine", "princess", "superman",
  "batman", "trustno1", "master", "shadow", "michael", "jennifer", "hello123", "freedom", "whatever",
  "starwars", "computer", "internet", "changeme", "changeme123", "secret", "secret123", "default",
  "summer2024", "summer2025", "winter2024", "winter2025", "spring2025", "autumn2025", "january2025",
  "contoso", "contoso123", "contoso2025", "company123", "password!", "password2025", "passwort",
  "motdepasse", "azerty", "azerty123", "qazwsx", "asdfghjkl", "asdfgh", "zxcvbnm", "q1w2e3r4",
  "aa123456", "a123456", "123qwe", "qwe123", "123abc", "ashley", "charlie", "jordan23", "loveme",
  "mustang", "access", "ninja", "solo", "login", "guest", "test1234", "testtest", "correcthorsebatterystaple",
]);

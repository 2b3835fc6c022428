/**
 * Well-known authenticator models by AAGUID (from the models' published AAGUIDs), so Security
 * info can say "YubiKey 5 Series" next to the name a person chose. Unknown AAGUIDs show no model;
 * an all-zero AAGUID is an authenticator that doesn't say (e.g. attestation "none" on some platforms).
 */
const AUTHENTICATOR_MODELS: Record<string, string> = {
  "cb69481e-8ff7-4039-93ec-0a2729a154a8": "YubiKey 5 Series",
  "ee882879-721c-4913-9775-3dfcce97072a": "YubiKey 5 Series",
  "fa2b99dc-9e39-4257-8f92-4a30d23c4118": "YubiKey 5 Series with NFC",
  "2fc0579f-8113-47ea-b116-bb5a8db9202a": "YubiKey 5 Series with NFC",
  "c5ef55ff-ad9a-4b9f-b580-adebafe026d0": "YubiKey 5Ci",
  "d8522d9f-575b-4866-88a9-ba99fa02f35b": "YubiKey Bio Series",
  "149a2021-8ef6-4133-96b8-81f8d5b7f1f5": "Security Key by Yubico with NFC",
  "a4e9fc6d-4cbe-4758-b8ba-37598bb5bbaa": "Security Key NFC by Yubico",
  "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
  "adce0002-35bc-c60a-648b-0b25f1f05503": "Chrome on Mac",
  "08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello",
  "9ddd1817-af5a-4672-a2b9-3e3dd95000a9": "Windows Hello",
  "6028b017-b1d4-4c02-b4b3-afcdafc96bb2": "Windows Hello",
  "fbfc3007-154e-4ecc-8c0b-6e020557d7bd": "iCloud Keychain",
  "dd4ec289-e01d-41c9-bb89-70fa845d4bf2": "iCloud Keychain (Managed)",
  "bada5566-a7aa-401f-bd96-45619a55120d": "1Password",
  "d548826e-79b4-db40-a3d8-11116f7e8349": "Bitwarden",
  "de1e552d-db1d-4423-a619-566b625cdc84": "Microsoft Authenticator (Android)",
  "90a3ccdf-635c-4729-a248-9b709135078f": "Microsoft Authenticator (iOS)",
  "ee041bce-25e5-4cdb-8f86-897fd6418464": "Feitian ePass FIDO2-NFC",
  "2c0df832-92de-4be1-8412-88a8f074df4a": "Feitian FIDO Key",
};

export const UNKNOWN_AAGUID = "00000000-0000-0000-0000-000000000000";

/** The model name of a known AAGUID, or null. */
export function authenticatorModel(aaguid: string): string | null {
  return AUTHENTICATOR_MODELS[aaguid.toLowerCase()] ?? null;
}

export function sealWithKey(key: Buffer, iv: Buffer, plain: Buffer, prefix: string): string;
export function fingerprintWithKey(key: Buffer, value: Buffer | string): string;

export declare const JSON_API_SECURITY_HEADERS: Readonly<Record<"Content-Security-Policy" | "X-Content-Type-Options" | "X-Frame-Options" | "Referrer-Policy", string>>;

// Types of content-security-policy.cjs (plain CommonJS, so the page cache handler and next.config.js can load it).
export declare function pagePolicy(scriptSources: string[], options?: { dev?: boolean }): string;
export declare function cachedPagePolicy(html: string): string;
export declare function inlineScriptHashes(html: string): string[];
export declare function nonceSource(nonce: string): string;
export declare const NOT_A_PAGE_POLICY: string;
export declare const COMMON_HEADERS: { key: string; value: string }[];
export declare const HSTS: { key: string; value: string };

import Image from "next/image";

const PLACEHOLDER = "/images/products/placeholder.svg";

/**
 * A product's picture through next/image. Uploads (/media/…, from the back
 * office) are optimised: resized per `sizes` and converted to AVIF/WebP, as
 * allowed by images.localPatterns in next.config.js. Local .svg seed files are
 * served as they are (next/image skips optimisation for them); an absolute URL
 * (a future CDN) is passed through unoptimised rather than requiring
 * images.remotePatterns for hosts we do not know yet.
 */
export function ProductImage({
  src,
  alt,
  size,
  preload,
  className,
  sizes,
}: {
  src: string | null;
  alt: string;
  size: number;
  preload?: boolean;
  className?: string;
  sizes?: string;
}) {
  const url = src ?? PLACEHOLDER;
  return (
    <Image
      src={url}
      alt={alt}
      width={size}
      height={size}
      preload={preload}
      sizes={sizes}
      unoptimized={!url.startsWith("/")}
      className={`aspect-square h-auto w-full rounded-md bg-slate-100 object-cover ${className ?? ""}`}
    />
  );
}

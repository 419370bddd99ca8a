import Link from "next/link";
import type { Product } from "@/lib/domain/catalog";
import { Price } from "@/components/money";
import { AvailabilityText } from "./availability-text";
import { ProductImage } from "./product-image";

/**
 * One product in a listing. The link holds the picture (decorative here: the
 * name says it) and the name only, so its text is exactly the product name.
 */
export function ProductCard({ product, preloadImage }: { product: Product; preloadImage?: boolean }) {
  return (
    <li className="flex flex-col rounded-lg border border-slate-200 bg-white p-3" data-testid="product-card">
      <Link href={`/products/${product.slug}`} className="group flex flex-col gap-2">
        <ProductImage src={product.imageUrl} alt="" size={400} preload={preloadImage} sizes="(min-width: 1024px) 240px, (min-width: 640px) 45vw, 90vw" />
        <span className="font-medium group-hover:underline">{product.name}</span>
      </Link>
      <div className="mt-1 flex items-center justify-between text-sm">
        {product.fromPrice ? (
          <span className="font-semibold">
            from <Price value={product.fromPrice} />
          </span>
        ) : (
          <Price value={product.price} className="font-semibold" />
        )}
        <AvailabilityText stock={product.stock} />
      </div>
    </li>
  );
}

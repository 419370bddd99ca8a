import { addressLines, type ShippingAddress } from "@/lib/domain/address";

export function ShippingAddressBlock({ address }: { address: ShippingAddress }) {
  return (
    <address className="not-italic" data-testid="ship-to">
      {addressLines(address).map((line, i) => (
        <span key={i} className="block">
          {line}
        </span>
      ))}
    </address>
  );
}

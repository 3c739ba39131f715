import type { CreateProduct } from '@contracts/catalog';

/** A product of the demo shop and the stock it starts with. */
export interface DemoProduct {
  product: CreateProduct;
  stock: number;
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** The demo shop: a few products with EUR prices (cents) and starting stock. */
export const DEMO_CATALOG: readonly DemoProduct[] = [
  {
    product: {
      sku: 'MUG-SEAM',
      name: 'Seam enamel mug',
      description: 'A 350 ml enamel mug with the Seam logo.',
      price: eur(1_499),
      active: true,
    },
    stock: 120,
  },
  {
    product: {
      sku: 'TEE-SEAM-M',
      name: 'Seam T-shirt, size M',
      description: 'Organic cotton T-shirt, navy.',
      price: eur(2_499),
      active: true,
    },
    stock: 60,
  },
  {
    product: {
      sku: 'HOODIE-SEAM-L',
      name: 'Seam hoodie, size L',
      description: 'Heavyweight hoodie with a kangaroo pocket.',
      price: eur(5_499),
      active: true,
    },
    stock: 25,
  },
  {
    product: {
      sku: 'NOTEBOOK-A5',
      name: 'Dotted notebook A5',
      description: '160 pages of dotted paper, lay-flat binding.',
      price: eur(1_299),
      active: true,
    },
    stock: 200,
  },
  {
    product: {
      sku: 'PEN-GEL-BLACK',
      name: 'Gel pen, black',
      description: 'A 0.5 mm gel pen that does not smudge.',
      price: eur(349),
      active: true,
    },
    stock: 500,
  },
  {
    product: {
      sku: 'STICKERS-10',
      name: 'Sticker pack',
      description: 'Ten vinyl stickers for your laptop.',
      price: eur(499),
      active: true,
    },
    stock: 300,
  },
  {
    product: {
      sku: 'BOTTLE-750',
      name: 'Steel water bottle, 750 ml',
      description: 'Double-walled; keeps drinks cold for 24 hours.',
      price: eur(2_199),
      active: true,
    },
    stock: 80,
  },
  {
    product: {
      sku: 'TOTE-CANVAS',
      name: 'Canvas tote bag',
      description: 'Sturdy cotton canvas tote with long handles.',
      price: eur(1_799),
      active: true,
    },
    stock: 90,
  },
];

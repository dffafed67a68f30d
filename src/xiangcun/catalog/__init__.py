"""Categories, brands and certifications, products and variants, photos, and product search."""

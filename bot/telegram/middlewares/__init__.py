"""Cross-cutting middlewares, registered on ``dp.update`` so they see messages and callbacks alike."""

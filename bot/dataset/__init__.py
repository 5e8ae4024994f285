"""The curated, cited dataset in `data/`: its model, how it is read, and how it is checked."""

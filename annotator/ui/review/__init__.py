"""Team review in the app: Review ▸ Agreement, Adjudicate, Who said what, Statistics."""

"""Reading posts: discovery, front matter, Markdown, and the parse stage."""

"""New pages left unfinished after Wagtail's autosave do not block their slug.

Since Wagtail 7.3 the "Add page" editor saves as soon as the editor types: the first autosave
creates the page as a draft. An editor who then walks away (thinking nothing was kept) leaves a
draft behind, and the next "Add page" with the same title stops at "The slug ... is already in
use", with autosave paused and no word about where that slug went.

What this app does, through Wagtail's page hooks only:

- it remembers which new pages were created by autosave and never saved by the editor's own
  hand since (``AutosavedNewPage``; an explicit save or publish forgets them);
- when a page being created or edited asks for a slug that such a page holds, and nobody else
  has that page open (Wagtail's editing sessions), the unfinished page moves aside to a free slug
  (``about-us-2``): nothing is deleted, the move is written in its history, and the new page
  gets the slug it asked for;
- any other clash, on an explicit save, gets a message that names the page holding the slug,
  with a link to it, beside Wagtail's field error.
"""

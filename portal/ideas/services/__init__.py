"""Rules of the idea portal, one concern per module.

* `access`: who may see an idea and what they may do with it;
* `lifecycle`: the transition table, state changes, merging duplicates;
* `authoring`: writing, submitting and deleting ideas;
* `discussion`: supports and comments;
* `attachments`: files attached to ideas;
* `search`: full-text search and similar-idea hints;
* `fields`: fields of action;
* `feed`: what staff follow and hear of, and what waits for them;
* `messages`: how the notifications of the idea portal read;
* `page`: everything the idea page shows, in one call.

Lists are queries and live in `portal.ideas.queries`.
"""

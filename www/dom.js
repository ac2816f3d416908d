// The two DOM helpers the demo page's modules share.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** A new `tag` element with an optional class and text. */
export const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

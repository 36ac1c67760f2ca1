/**
 * A 4×4 red PNG, base64: the picture the client tests hand a client (a file it reads, an attachment) and then find in
 * what reaches the upstream. Small enough that Claude Code sends it as it was read, and a failure's diff stays short.
 */
export const RED_SQUARE_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==';

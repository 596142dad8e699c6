// @switchyard/client: placeholder until the client lands.

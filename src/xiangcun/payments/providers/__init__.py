"""Payment providers behind one interface; `provider_for(name)` picks one."""

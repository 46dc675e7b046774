// The entry site/render/compile.ts bundles: the page components and Astro's container that renders them.
export { experimental_AstroContainer } from 'astro/container';
export { default as ToolView } from './views/ToolView.astro';
export { default as ServerView } from './views/ServerView.astro';
export { default as HomeView } from './views/HomeView.astro';
export { default as ShellView } from './views/ShellView.astro';
export { default as BrowseView } from './views/BrowseView.astro';
export { default as ChangesView } from './views/ChangesView.astro';
export { default as SearchView } from './views/SearchView.astro';
export { default as ApiView } from './views/ApiView.astro';
export { default as NotFoundView } from './views/NotFoundView.astro';
export { default as PolicyConfigView } from './views/PolicyConfigView.astro';

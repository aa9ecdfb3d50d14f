// Placeholder entry until the renderer lands (issue 5): it only proves the bundle builds.
const root = document.getElementById('root');
if (root) root.textContent = 'Harbormaster';

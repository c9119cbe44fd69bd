// Renderer entry. The Vue workbench replaces this with the workbench issue.
document.title = 'Quench';

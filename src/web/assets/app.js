// Progressive enhancement only: every page works without this file.
// Buttons marked data-copy copy the text of the element they name; they stay hidden without JavaScript.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = button.dataset.copied || button.textContent;
    } catch {
      // Clipboard refused (permissions, insecure context): the text stays selectable on the page.
    }
  });
}

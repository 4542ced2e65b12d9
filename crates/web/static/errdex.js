// Progressive enhancement only: the site works without this file.
// Copy buttons are hidden in the HTML and shown here, where they can work.
document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var code = document.getElementById(button.dataset.copy);
    if (!code) return;
    navigator.clipboard.writeText(code.textContent).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });
});

// The decision form (templates/disposal_form.html): show the new deadline for a 限期动工
// and the amount for a 征缴闲置费 only, the amount pre-filled with the suggested fee.
(function () {
  'use strict';
  const form = document.getElementById('pa-disposal-form');
  if (!form) { return; }
  const kind = form.querySelector('[name="kind"]');
  const amount = form.querySelector('[name="amount"]');
  function shown() {
    for (const box of form.querySelectorAll('[data-for]')) {
      const on = box.dataset.for === kind.value;
      box.hidden = !on;
      for (const input of box.querySelectorAll('input')) {
        input.disabled = !on;
        input.required = on;
      }
    }
    if (kind.value === 'fee' && !amount.value && amount.dataset.fee) {
      amount.value = amount.dataset.fee;
    }
  }
  kind.addEventListener('change', shown);
  shown();
}());

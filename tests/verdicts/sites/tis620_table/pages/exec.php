<!-- title: คณะผู้บริหาร -->
<table width="100%" border="0">
<tr><td align="center"><img src="images/p1.jpg" width="120"><br>นายสมบัติ ดีงาม<br>นายกองค์การบริหารส่วนตำบลนาดี<br>โทร 089-100-2001</td>
<td align="center"><img src="images/p2.jpg" width="120"><br>นายอำนาจ ใจซื่อ<br>รองนายกองค์การบริหารส่วนตำบลนาดี<br>โทร 089-100-2002</td>
<td align="center"><img src="images/p3.jpg" width="120"><br>นางสาวจันทร์เพ็ญ ศรีงาม<br>ปลัดองค์การบริหารส่วนตำบลนาดี<br>โทร 089-100-2003</td></tr>
</table>
